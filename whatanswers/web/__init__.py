"""The project's web toolkit: small helpers every app uses (absolute
addresses, page links, rate limits, safe hrefs, staff-account commands).
The one part of whatanswers below the apps: it imports none of them and
nothing else of the project (pyproject.toml's import contracts)."""
