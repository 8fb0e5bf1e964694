"""cfcity lifecircle compute [--area 名称] [--minutes 15 --speed 4 --detour 1.3] | network FILE [--area 名称]
| publish — the 15-minute child community life circle from the command line. Thin: the rules are
in cfcity.lifecircle.services, .compute and .measures."""
import sys
from pathlib import Path

from cfcity.lifecircle import measures, services
from cfcity.lifecircle.network import NetworkError
from cfcity.orgs.models import OrgUnit
from cfcity.plans.services import latest_plans
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError


class Command(BaseCommand):
    help = "15分钟儿童社区生活圈：计算（compute）、导入步行路网（network）、写入监测（publish）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{compute,network,publish}")
        p = sub.add_parser("compute", help="按当前步行路网（没有路网时按直线距离×绕行系数）计算并保存一次结果")
        p.add_argument("--area", help="县（市、区）名称；默认每个有行动方案的县")
        p.add_argument("--minutes", type=float, help="步行时间（分钟），默认 15")
        p.add_argument("--speed", type=float, help="儿童步行速度（公里/小时），默认 4")
        p.add_argument("--detour", type=float, help="直线距离的绕行系数，默认 1.3")
        p = sub.add_parser("network", help="导入步行路网文件（GeoJSON 或 OSM XML）作为该县当前路网")
        p.add_argument("file")
        p.add_argument("--area", required=True, help="县（市、区）名称")
        p.add_argument("--name", default="", help="路网名称")
        sub.add_parser("publish", help="按各年度末的空间重新计算覆盖率，写入监测")

    def handle(self, *args, action, **options):
        try:
            self.require_database()
            getattr(self, f"do_{action}")(**options)
        except (UserError, NetworkError) as e:
            self.fail(str(e))

    def _plans(self, area_name):
        plans = latest_plans(area_name)
        if not plans:
            raise UserError(f"没有找到县（市、区）“{area_name}”的行动方案" if area_name else "还没有行动方案")
        return plans

    def do_compute(self, *, area=None, minutes=None, speed=None, detour=None, **_):
        from tqdm import tqdm
        p = services.params(minutes=minutes, speed_kmh=speed, detour=detour)
        for plan in self._plans(area):
            total = services.places(plan.area)[0]
            with tqdm(total=len(total), desc=plan.area.name, unit="社区", file=sys.stderr,
                      disable=not getattr(self, "_called_from_command_line", False)) as bar:
                r = services.run(None, plan, p=p, progress=bar, check=False)
            share = "—" if r.share is None else f"{r.share}%"
            self.stdout.write(f"{plan.area.name}：{r.get_method_display()}，{r.communities} 个社区中 {r.covered} 个"
                              f"在 {p.minutes:g} 分钟（{p.limit_m:.0f} 米）内可达儿童友好空间，覆盖率 {share}")

    def do_network(self, *, file, area, name="", **_):
        unit = OrgUnit.objects.filter(name=area, kind=OrgUnit.Kind.AREA).first()
        if unit is None:
            raise UserError(f"没有找到县（市、区）“{area}”")
        path = Path(file)
        if not path.is_file():
            raise UserError(f"找不到文件 {file}")
        row = services.import_network(None, unit, name=name, filename=path.name, data=path.read_bytes())
        self.stdout.write(f"已导入路网：{row.nodes} 个节点、{row.segments} 个路段，共 {row.length_km} 公里"
                          f"（跳过 {row.skipped} 个非步行要素）。")

    def do_publish(self, **_):
        n = measures.publish()
        self.stdout.write(f"已按生活圈计算更新 {n} 项监测数据。")
