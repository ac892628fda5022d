"""Staff accounts: roles, passwords, login sessions, API tokens, login throttling and the audit trail.

`service.AccountService` is the entry point the HTTP layer uses; `store` holds its storage.
"""
