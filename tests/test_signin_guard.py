"""Wrong passwords cost a growing wait per account, kept across restarts, never a lock."""

import pytest

from app.domain.errors import AuthenticationFailed, SignInDelayed
from app.services.workspace import unlock
from app.store import signin_guard

from tests_support import PASSWORD


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(signin_guard.time, "time", fake)
    monkeypatch.setattr(signin_guard.SignInGuard.__init__, "__defaults__", (fake,))
    return fake


def test_wrong_passwords_make_the_next_try_wait(installed, clock):
    for _ in range(signin_guard.FREE_TRIES):
        with pytest.raises(AuthenticationFailed):
            unlock(installed, "anna", "wrong password")
    with pytest.raises(SignInDelayed) as waiting:
        unlock(installed, "anna", PASSWORD)  # even the right one waits
    assert waiting.value.params["seconds"] == signin_guard.FIRST_DELAY_S
    clock.now += signin_guard.FIRST_DELAY_S
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "anna", "wrong again")
    with pytest.raises(SignInDelayed) as waiting:
        unlock(installed, "anna", PASSWORD)
    assert waiting.value.params["seconds"] == 2 * signin_guard.FIRST_DELAY_S
    # the record is on disk: a restart (a new guard) still waits
    assert installed.sign_in_attempts.is_file()
    clock.now += 2 * signin_guard.FIRST_DELAY_S
    unlock(installed, "anna", PASSWORD).close()  # the wait is over; success clears it
    unlock(installed, "anna", PASSWORD).close()


def test_the_wait_is_capped_so_the_last_admin_is_never_locked_out(installed, clock):
    for _ in range(40):
        clock.now += signin_guard.MAX_DELAY_S
        with pytest.raises(AuthenticationFailed):
            unlock(installed, "anna", "guess")
    with pytest.raises(SignInDelayed) as waiting:
        unlock(installed, "anna", PASSWORD)
    assert waiting.value.params["seconds"] <= signin_guard.MAX_DELAY_S
    clock.now += signin_guard.MAX_DELAY_S
    unlock(installed, "anna", PASSWORD).close()


def test_a_damaged_record_starts_the_count_again(installed, clock):
    installed.sign_in_attempts.write_text('{"x": [1e999, "y"], "deep": ' + "[" * 5000)
    unlock(installed, "anna", PASSWORD).close()
