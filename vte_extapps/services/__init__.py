"""The one place where applications, credentials and tokens change.

The admin pages, the command line, the OAuth endpoints and the tests all call
these functions, so every rule and every audit row lives in one spot.
"""
