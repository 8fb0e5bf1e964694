from django.conf import settings
from django.db import models

from .roles import Role


class Membership(models.Model):
    """A user belongs to one org unit, in one role; everything they see follows from it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="membership")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT,
                                 related_name="members")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用户单位与角色"
        verbose_name_plural = "用户单位与角色"

    def __str__(self):
        return f"{self.user.get_username()}：{self.org_unit} · {self.get_role_display()}"


class Profile(models.Model):
    """What the login needs to know about a user beyond Django's User: whether the password
    was set by someone else (a new account, a reset) and must be changed before anything else.
    Every user may have one; a user without one is under no such obligation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="profile")
    must_change_password = models.BooleanField(
        "须修改密码", default=False,
        help_text="密码由管理员设置（新建账号或重置后），用户登录后须先修改密码才能使用其他页面")
    password_changed_at = models.DateTimeField("上次修改密码", null=True, blank=True)

    class Meta:
        verbose_name = "账号状态"
        verbose_name_plural = "账号状态"

    def __str__(self):
        return f"{self.user.get_username()}：{'须修改密码' if self.must_change_password else '正常'}"


class ApiToken(models.Model):
    """A token for the JSON API (``Authorization: Bearer <token>``), made by ``cfcity token``.
    Only the SHA-256 hash of the token is stored; the token itself is shown once. The first
    8 characters (``prefix``) are kept in clear to tell a user's tokens apart and to revoke one.
    Creating and checking tokens: ``cfcity.accounts.tokens``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True, default="")
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["user", "-created_at", "-id"]

    def __str__(self):
        return f"{self.user.get_username()}：{self.name or '未命名'}（{self.prefix}…）"
