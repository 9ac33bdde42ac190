"""The people a scenario casts, and the phones they carry.

One vocabulary for the steps, the exploration and the survey: a `Person` (an account
on the system under test, a phone, a session), the authenticator app on that phone
(it scans the QR code a product shows and gives codes on the system's clock), and how
a scenario's lines introduce its practices and people.
"""
