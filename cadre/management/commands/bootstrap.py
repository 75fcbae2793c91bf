"""First-run setup for the run command: the county's jurisdiction, the
org-staff account and the three separated admin accounts, with generated
passwords kept in var/accounts.txt (readable by the owner only) and printed.
With --demo, the synthetic county is generated first if the registry is
empty. Running it again changes nothing and prints the same accounts."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import Jurisdiction, Role, RoleAssignment, User
from personnel.models import Cadre, Unit

ACCOUNTS = (
    ("admin", "组织部管理员", Role.ORG_STAFF),
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN),
    ("secadmin", "安全保密管理员", Role.SECURITY_ADMIN),
    ("auditor", "安全审计员", Role.AUDIT_ADMIN),
)


class Command(BaseCommand):
    help = "初始化：管理权限范围、组织部管理员及三员账号（首次运行时生成演示数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="登记库为空时生成演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo"] and not Cadre.objects.exists():
            self.stdout.write("首次运行：正在生成演示数据……")
            call_command("demo_data", stdout=self.stdout)
        secrets_file = Path(settings.VAR_DIR) / "accounts.txt"
        known = self._read(secrets_file)
        with transaction.atomic():
            jurisdiction, _ = Jurisdiction.objects.get_or_create(name="本级组织部管理范围")
            jurisdiction.root_units.add(*Unit.objects.filter(parent__isnull=True))
            for username, display, role in ACCOUNTS:
                user = User.objects.filter(username=username).first()
                if user is None or username not in known:
                    password = secrets.token_urlsafe(12)
                    if user is None:
                        user = User(username=username, display_name=display)
                    user.set_password(password)
                    user.save()
                    known[username] = password
                scope = {"jurisdiction": jurisdiction} if role == Role.ORG_STAFF else {}
                RoleAssignment.objects.get_or_create(user=user, role=role, defaults=scope)
        secrets_file.parent.mkdir(parents=True, exist_ok=True)
        secrets_file.write_text("".join(f"{name}\t{pw}\n" for name, pw in known.items()), encoding="utf-8")
        secrets_file.chmod(0o600)
        self.stdout.write("账号（密码保存在 var/accounts.txt）：")
        for username, display, _role in ACCOUNTS:
            self.stdout.write(f"  {display}：用户名 {username}  密码 {known[username]}")

    @staticmethod
    def _read(path: Path) -> dict[str, str]:
        if not path.exists():
            return {}
        pairs = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
        return dict(pairs)  # type: ignore[arg-type]
