"""Staff accounts: the password policy and the account rules that need no request."""
