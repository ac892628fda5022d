"""Staff accounts: roles, passwords, login sessions, API tokens, login throttling and the audit trail.

The HTTP layer calls `service.AccountService`, which keeps its data through `store.AccountStore`.
"""
