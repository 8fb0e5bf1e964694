"""cfcity user add|reset|list: thin over ``cfcity.accounts.services``.

    cfcity user add zhangsan --unit "桓台县/县教育体育局" --role dept_reporter --name 张三
    cfcity user reset zhangsan
    cfcity user reset-2fa zhangsan
    cfcity user list
"""
from cfcity.accounts import services
from cfcity.accounts.roles import Role
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError

ROLES_HELP = "；".join(f"{r.value}＝{r.label}" for r in Role)


class Command(BaseCommand):
    help = "管理用户：新建（add）、重置密码（reset）、重置两步验证（reset-2fa）、列出（list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        add = sub.add_parser("add", help="新建用户，显示一次随机初始密码（首次登录须修改）")
        add.add_argument("username", help="登录用的用户名（字母、数字、@.+-_）")
        add.add_argument("--unit", required=True,
                         help="所属单位：路径（如 “桓台县/县教育体育局”）或单位编号")
        add.add_argument("--role", required=True, help=f"角色：{ROLES_HELP}")
        add.add_argument("--name", default="", help="姓名，如 张三")
        reset = sub.add_parser("reset", help="重置密码，显示一次新的随机密码（登录后须修改）")
        reset.add_argument("username")
        reset2fa = sub.add_parser("reset-2fa", help="重置两步验证（手机丢失或更换）：删除已绑定的身份验证器"
                                                  "和备用验证码，下次登录时重新绑定")
        reset2fa.add_argument("username")
        sub.add_parser("list", help="列出所有用户及其单位、角色")

    def handle(self, *, action, **options):
        try:
            self.require_database()
            getattr(self, f"do_{action.replace('-', '_')}")(**options)
        except (UserError, services.AccountError) as e:
            self.fail(str(e))

    def do_add(self, *, username, unit, role, name, **_):
        org_unit = services.find_unit(unit)
        user, password = services.create_user(username, name, org_unit, role, actor=None)
        m = user.membership
        self.stdout.write(f"已新建用户：{user.get_username()}"
                          f"{'（' + name.strip() + '）' if name.strip() else ''}，"
                          f"单位：{services.unit_path(m.org_unit)}，角色：{m.get_role_display()}")
        self.stdout.write(f"初始密码：{password}（只显示这一次，请告知本人；首次登录后须修改密码）")

    def do_reset(self, *, username, **_):
        user = services.find_user(username)
        password = services.reset_password(user, actor=None)
        self.stdout.write(f"已重置用户 {user.get_username()} 的密码。")
        self.stdout.write(f"新密码：{password}（只显示这一次，请告知本人；登录后须修改密码）")

    def do_reset_2fa(self, *, username, **_):
        from cfcity.accounts import twofactor

        user = services.find_user(username)
        removed = twofactor.reset(user, actor=None)
        if removed:
            self.stdout.write(f"已重置用户 {user.get_username()} 的两步验证（删除 {removed} 个验证设备）；"
                              "其已登录的会话须重新验证，下次登录时重新绑定身份验证器。")
        else:
            self.stdout.write(f"用户 {user.get_username()} 尚未绑定身份验证器，无需重置（已记录）。")

    def do_list(self, **_):
        from django.contrib.auth import get_user_model

        from cfcity.accounts import twofactor

        users = get_user_model().objects.order_by("username").select_related(
            "membership__org_unit", "profile")
        rows = 0
        for user in users:
            m = getattr(user, "membership", None)
            profile = getattr(user, "profile", None)
            unit = services.unit_path(m.org_unit) if m else "（未分配单位）"
            role = m.get_role_display() if m else ("超级管理员" if user.is_superuser else "—")
            notes = []
            if not user.is_active:
                notes.append("已停用")
            if profile is not None and profile.must_change_password:
                notes.append("待修改初始密码")
            if twofactor.app_device(user) is not None:
                notes.append("已绑定两步验证")
            elif twofactor.required(user):
                notes.append("须绑定两步验证")
            self.stdout.write("\t".join([user.get_username(), user.get_full_name() or "—", unit, role,
                                         "、".join(notes)]).rstrip())
            rows += 1
        if not rows:
            self.stdout.write("还没有用户。")
        else:
            self.stdout.write(f"共 {rows} 个用户。")
