"""Accounts, login, lockout, session cookie, CSRF, roles and idle timeout, through the real app."""

from __future__ import annotations

import io
import time

import pytest

from bot.settings import SettingsError
from bot.staff import __main__ as cli
from bot.staff import guards
from bot.staff.accounts import AccountError, Accounts
from bot.staff.settings import StaffSettings
from tests.bot.staff.conftest import ADMIN, ADMIN_PASSWORD, VIEWER, VIEWER_PASSWORD, add_lead, api_login


async def test_pages_redirect_to_login_and_the_api_answers_401_in_the_staff_language(start):
    client = await start()
    resp = await client.get("/staff/leads", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/staff/login"
    resp = await client.get("/staff/leads.csv", allow_redirects=False)
    assert resp.status == 303
    resp = await client.get("/staff/api/v1/leads", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert resp.status == 401
    assert (await resp.json())["error"] == {"code": "login_required", "message": "请先登录。"}


async def test_wrong_password_and_unknown_user_get_the_same_answer(start):
    client = await start()
    for user, password in ((ADMIN, "wrong password!"), ("nobody", ADMIN_PASSWORD)):
        resp = await client.post("/staff/api/v1/login", json={"user": user, "password": password})
        assert resp.status == 401
        assert (await resp.json())["error"]["message"] == "The user name or password is wrong."


async def test_repeated_failures_lock_the_account_even_for_the_right_password(start):
    client = await start(STAFF_LOCKOUT_FAILURES="3", STAFF_LOCKOUT_MINUTES="7")
    for _ in range(2):
        resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": "nope nope nope"})
        assert resp.status == 401
    resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": "nope nope nope"})
    assert resp.status == 403
    resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": ADMIN_PASSWORD})
    assert resp.status == 403
    assert "locked for 7 minutes" in (await resp.json())["error"]["message"]
    # the other account is not affected
    await api_login(client, VIEWER, VIEWER_PASSWORD)


async def test_a_success_resets_the_failure_count(start):
    client = await start(STAFF_LOCKOUT_FAILURES="2")
    await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": "nope nope nope"})
    await api_login(client)
    resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": "nope nope nope"})
    assert resp.status == 401  # one failure after a success: not locked yet


async def test_login_attempts_are_rate_limited_per_ip(start):
    client = await start(STAFF_LOGIN_RATE="2/minute")
    for _ in range(2):
        await client.post("/staff/api/v1/login", json={"user": "x1", "password": "y"})
    resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": ADMIN_PASSWORD})
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1


async def test_the_session_cookie_is_httponly_strict_and_scoped_to_the_console(start):
    client = await start()
    resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": ADMIN_PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("advisor_staff=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # plain http in the test; see the next test
    assert ADMIN not in cookie  # encrypted, not merely signed


async def test_the_cookie_is_secure_when_configured_for_a_tls_proxy(start):
    client = await start(STAFF_COOKIE_SECURE="1")
    resp = await client.post("/staff/api/v1/login", json={"user": ADMIN, "password": ADMIN_PASSWORD})
    assert "Secure" in resp.headers["Set-Cookie"]


async def test_a_tampered_cookie_is_no_session(start):
    client = await start()
    await api_login(client)
    cookie = next(c for c in client.session.cookie_jar if c.key == "advisor_staff")
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({"advisor_staff": cookie.value[:-6] + "AAAAAA"})
    assert (await client.get("/staff/api/v1/me")).status == 401


async def test_posts_without_the_csrf_token_are_refused(start, data_dir):
    lead = add_lead(data_dir)
    client = await start()
    token = await api_login(client)
    resp = await client.delete(f"/staff/api/v1/leads/{lead}")
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "csrf"
    resp = await client.delete(f"/staff/api/v1/leads/{lead}", headers={"X-CSRF-Token": "forged"})
    assert resp.status == 403
    resp = await client.post(f"/staff/leads/{lead}/delete", data={"csrf": "forged"})
    assert resp.status == 403 and "This form has expired" in await resp.text()
    resp = await client.delete(f"/staff/api/v1/leads/{lead}", headers={"X-CSRF-Token": token})
    assert resp.status == 200


async def test_viewers_read_but_cannot_delete(start, data_dir):
    lead = add_lead(data_dir)
    client = await start()
    token = await api_login(client, VIEWER, VIEWER_PASSWORD)
    assert len((await (await client.get("/staff/api/v1/leads")).json())["leads"]) == 1
    page = await (await client.get("/staff/leads")).text()
    assert "Anna Schmidt" in page and "Delete" not in page
    resp = await client.delete(f"/staff/api/v1/leads/{lead}", headers={"X-CSRF-Token": token})
    assert resp.status == 403
    assert (await resp.json())["error"]["message"] == "Only administrators can do this."


async def test_an_idle_session_is_logged_out(start, monkeypatch):
    client = await start(STAFF_IDLE_MINUTES="5")
    await api_login(client)
    assert (await client.get("/staff/api/v1/me")).status == 200
    later = time.time() + 6 * 60
    monkeypatch.setattr(guards.time, "time", lambda: later)
    assert (await client.get("/staff/api/v1/me")).status == 401


async def test_an_active_session_ends_after_its_maximum_age(start, monkeypatch):
    client = await start(STAFF_SESSION_HOURS="1", STAFF_IDLE_MINUTES="60")
    await api_login(client)
    now = time.time()
    for minutes in (50, 100):  # used every 50 minutes: never idle, but older than one hour
        monkeypatch.setattr(guards.time, "time", lambda at=now + minutes * 60: at)
        status = (await client.get("/staff/api/v1/me")).status
    assert status == 401


async def test_logout_ends_the_session(start):
    client = await start()
    token = await api_login(client)
    assert (await client.post("/staff/api/v1/logout", headers={"X-CSRF-Token": token})).status == 200
    assert (await client.get("/staff/api/v1/me")).status == 401


async def test_a_removed_account_loses_its_session_at_once(start, data_dir):
    client = await start()
    await api_login(client)
    accounts = Accounts(data_dir / "staff.sqlite3")
    accounts.db.open_sync()
    accounts.remove_user_sync(ADMIN)
    accounts.db.close_sync()
    assert (await client.get("/staff/api/v1/me")).status == 401


def test_the_command_line_creates_accounts_from_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    assert cli.main(["add-user", "lin", "--role", "viewer"], stdin=io.StringIO("a long passphrase\n")) == 0
    assert cli.main(["add-user", "lin", "--role", "admin"], stdin=io.StringIO("another passphrase\n")) == 1
    assert "exists already" in capsys.readouterr().err
    assert cli.main(["add-user", "mo", "--role", "admin"], stdin=io.StringIO("short\n")) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    out = io.StringIO()
    assert cli.main(["list-users"], out=out) == 0
    assert out.getvalue() == "lin\tviewer\n"
    accounts = Accounts(tmp_path / "staff.sqlite3")
    accounts.db.open_sync()
    stored = accounts.db.run_sync("SELECT password_hash FROM users")[0][0]
    accounts.db.close_sync()
    assert stored.startswith("$argon2id$") and "passphrase" not in stored


def test_the_command_line_refuses_a_bad_role_and_name(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit):
        cli.main(["add-user", "lin", "--role", "root"], stdin=io.StringIO("a long passphrase\n"))
    accounts = Accounts(tmp_path / "staff.sqlite3")
    accounts.db.open_sync()
    with pytest.raises(AccountError, match="user name"):
        accounts.add_user_sync("a b", "admin", "a long passphrase")
    accounts.db.close_sync()


def test_settings_name_the_bad_variable(tmp_path):
    with pytest.raises(SettingsError, match="STAFF_SECRET_KEY"):
        StaffSettings.from_env({"STAFF_SECRET_KEY": "too short"})
    with pytest.raises(SettingsError, match="STAFF_LOGIN_RATE"):
        StaffSettings.from_env({"STAFF_LOGIN_RATE": "often"})
    with pytest.raises(SettingsError, match="STAFF_COOKIE_SECURE"):
        StaffSettings.from_env({"STAFF_COOKIE_SECURE": "maybe"})
    with pytest.raises(SettingsError, match="STAFF_IDLE_MINUTES"):
        StaffSettings.from_env({"STAFF_IDLE_MINUTES": "0"})


def test_the_cookie_key_is_made_once_and_kept_private(tmp_path):
    settings = StaffSettings(data_dir=str(tmp_path))
    key = settings.cookie_key()
    assert len(key) == 32 and settings.cookie_key() == key
    assert (tmp_path / "staff_secret.key").stat().st_mode & 0o777 == 0o600


async def test_admins_read_the_audit_log_and_viewers_cannot(start, data_dir):
    lead = add_lead(data_dir)
    client = await start()
    token = await api_login(client)
    await client.delete(f"/staff/api/v1/leads/{lead}", headers={"X-CSRF-Token": token})
    entries = (await (await client.get("/staff/api/v1/audit")).json())["entries"]
    assert [(e["user"], e["action"], e["detail"]) for e in entries] == [
        (ADMIN, "delete_lead", {"lead": lead}),
        (ADMIN, "login", {}),
    ]
    assert entries[0]["at"] >= entries[1]["at"] > time.time() - 60
    page = await (await client.get("/staff/audit?lang=zh")).text()
    assert "删除了潜在客户" in page and f"潜在客户 {lead}" in page and "登录" in page
    resp = await client.get("/staff/api/v1/audit?limit=0")
    assert resp.status == 400 and (await resp.json())["error"]["message"] == "筛选条件“条数”无效。"
    viewer = await start()
    await api_login(viewer, VIEWER, VIEWER_PASSWORD)
    assert (await viewer.get("/staff/api/v1/audit")).status == 403
    resp = await viewer.get("/staff/audit")
    assert resp.status == 403 and "Only administrators can do this." in await resp.text()
    assert "Audit log" not in await (await viewer.get("/staff/leads")).text()  # not in the menu either
