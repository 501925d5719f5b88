from whatanswers.web.staff_accounts import StaffAccountCommand


class Command(StaffAccountCommand):
    help = (
        "Create a staff account in the Moderators group (or add an existing "
        "user to it). Moderators triage visitors' suggestions, and nothing "
        "else. The password is asked for, never passed on the command line."
    )
    group = "Moderators"
    role = "a moderator"
