from whatanswers.web.staff_accounts import StaffAccountCommand


class Command(StaffAccountCommand):
    help = (
        "Create a staff account in the Editors group (or add an existing user "
        "to it). Editors write, review and publish answers and manage topics, "
        "question types and tags, and nothing else. The password is asked for, "
        "never passed on the command line."
    )
    group = "Editors"
    role = "an editor"
