"""The audit log: who changed what, on which face, from where, and how it ended.

``origin`` says who is acting and through which face (set once per request, console
session or CLI command); ``log.record`` writes one entry inside the transaction of
the change it describes, so an entry exists exactly when the change does.
"""
