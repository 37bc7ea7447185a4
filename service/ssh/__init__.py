"""The admin console over SSH: an asyncssh server in the API's event loop.

``server`` authenticates users by the public keys registered to them
(``service.accounts.ssh_keys``) and refuses everything but a console in a terminal;
``session`` is one SSH channel that a console app (made by a factory the entry point
registers, so this package never imports Textual) draws on; ``host_key`` keeps the
server's ed25519 key beside the database.
"""
