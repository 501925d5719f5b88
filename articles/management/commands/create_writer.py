from whatanswers.web.staff_accounts import StaffAccountCommand


class Command(StaffAccountCommand):
    help = (
        "Create a staff account in the Writers group (or add an existing user "
        "to it). Writers draft answers and submit them for review; they cannot "
        "publish. The password is asked for, never passed on the command line."
    )
    group = "Writers"
    role = "a writer"
