"""Common Chinese surnames (from the 百家姓 and the most frequent family names today), used by
``cfcity.voice.scrub`` to recognise a name after words like 我叫 or before 同学/老师.

Characters that are surnames but far more often ordinary words in children's sentences
(数、语、体、新、高…) are left out of ``BEFORE_ROLE`` — the list used where no 我叫-style word
comes first, so that 数学老师 or 高年级同学 are not taken for names."""
from __future__ import annotations

COMPOUND = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 端木 长孙 宇文 司徒 司空 "
    "轩辕 独孤 南宫 西门 百里 呼延 澹台 公冶 太史 申屠 闻人 万俟 赫连 钟离 宗政 濮阳 "
    "淳于 单于 拓跋 左丘 东郭 第五"
).split()

SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

# surnames that are, in a child's sentence, much more often the first character of an ordinary
# word standing before 同学/老师 (数学老师, 体育老师, 高年级同学, 新同学, 好朋友…)
AMBIGUOUS = set("数语体新高大小老好全同班原平明文和时来海国信成那都由干利公正美音英化物历地生政单双留男女真第")

BEFORE_ROLE = "".join(c for c in SINGLE if c not in AMBIGUOUS)  # also after the weak 我是/同学/叫
