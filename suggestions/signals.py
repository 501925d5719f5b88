from django.dispatch import Signal

# Sent once an approval commits, with `suggestion`: suggestions.receivers
# queues the generation of its draft answer.
suggestion_approved = Signal()
