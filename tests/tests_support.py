"""Constants shared by the tests (conftest fixtures cannot be imported)."""

from app.store.keyring import KdfParams

PASSWORD = "correct horse"
# Cheap Argon2 for speed; the command-line tests use the real cost.
TEST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
