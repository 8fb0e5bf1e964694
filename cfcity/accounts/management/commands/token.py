"""cfcity token USERNAME [--name NAME] [--expires-days N] | --list | --revoke PREFIX

Thin over ``cfcity.accounts.tokens``: the new token is printed once, as the header to send.
"""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from cfcity.accounts import tokens
from cfcity.accounts.models import ApiToken
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(BaseCommand):
    help = "API 令牌：为用户创建（只显示一次）、列出（--list）、撤销（--revoke 前缀）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--list", action="store_true", dest="list_tokens", help="列出该用户的令牌（只显示前缀）")
        group.add_argument("--revoke", metavar="PREFIX", help="撤销前缀为 PREFIX 的令牌")
        parser.add_argument("--name", default="", help="令牌名称，如“市级平台对接”")
        parser.add_argument("--expires-days", type=int, default=None, metavar="N",
                            help="N 天后过期（默认不过期，可随时撤销）")

    def handle(self, *, username, list_tokens, revoke, name, expires_days, **_):
        try:
            self.require_database()
            user = self._user(username)
            if list_tokens:
                self.do_list(user)
            elif revoke is not None:
                row = tokens.revoke_token(user, revoke)
                self.stdout.write(f"已撤销用户 {user.get_username()} 的令牌"
                                  f"{'“' + row.name + '”' if row.name else ''}（前缀 {row.prefix}）。")
            else:
                self.do_create(user, name, expires_days)
        except (UserError, tokens.TokenError) as e:
            self.fail(str(e))

    @staticmethod
    def _user(username: str):
        User = get_user_model()
        try:
            return User.objects.select_related("membership__org_unit").get(
                **{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise UserError(f"没有用户“{username}”（可用 cfcity user list 查看）") from None

    def do_create(self, user, name: str, expires_days: int | None):
        expires_at = None
        if expires_days is not None:
            if expires_days < 1:
                raise UserError("--expires-days 应为正整数")
            expires_at = timezone.now() + datetime.timedelta(days=expires_days)
        row, token = tokens.create_token(user, name=name, expires_at=expires_at)
        self.stdout.write(f"已为用户 {user.get_username()} 创建 API 令牌"
                          f"{'“' + row.name + '”' if row.name else ''}（前缀 {row.prefix}，"
                          f"{'有效期至 ' + _when(expires_at) if expires_at else '长期有效'}）。"
                          f"令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)
        self.stdout.write(f"调用 API 时在请求头中加上：Authorization: Bearer {token}")
        self.stdout.write(f"撤销：cfcity token {user.get_username()} --revoke {row.prefix}")
        if not user.is_superuser and getattr(user, "membership", None) is None:
            self.stdout.write("注意：该用户没有所属单位和角色，用这个令牌看不到任何数据。")

    def do_list(self, user):
        rows = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
        if not rows:
            self.stdout.write(f"用户 {user.get_username()} 没有 API 令牌。")
            return
        now = timezone.now()
        self.stdout.write("前缀      状态    创建时间          最近使用          过期时间          名称")
        for row in rows:
            self.stdout.write(f"{row.prefix}  {tokens.state(row, now):<6}  {_when(row.created_at):<16}  "
                              f"{_when(row.last_used_at):<16}  {_when(row.expires_at):<16}  {row.name}")
