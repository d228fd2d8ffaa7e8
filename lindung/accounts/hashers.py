"""The password hasher: argon2id with OWASP's parameters instead of Django's.

Django's Argon2PasswordHasher uses 100 MiB, 2 passes and 8 lanes: about 210 ms of CPU per
sign-in on our 2-core server (BENCHMARKS.md, load section), so a burst of coordinators
signing in at 08:00 queues behind the hashing. OWASP's Password Storage Cheat Sheet
(https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html,
"Argon2id") recommends m=19 MiB (19456 KiB), t=2, p=1 as a minimum configuration with the
same defence against GPU cracking as its stronger trade-offs.

The algorithm name stays "argon2" and every parameter is stored in the hash, so hashes
made with Django's parameters still verify; Django re-hashes them with these on the next
successful sign-in because must_update sees the parameters differ.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB: 19 MiB
    parallelism = 1
