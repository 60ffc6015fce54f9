"""Reference data the demo generator draws from (regions, names, complaint texts)."""

# Provinces by GB/T 2260 code (app/reference/regions.py), with some of their cities.
PROVINCES = {
    "440000": ["广州", "深圳", "东莞", "佛山"],
    "330000": ["杭州", "宁波", "温州", "义乌"],
    "320000": ["南京", "苏州", "无锡"],
    "310000": ["上海"],
    "110000": ["北京"],
    "370000": ["济南", "青岛", "烟台"],
    "510000": ["成都", "绵阳"],
    "420000": ["武汉", "宜昌"],
    "410000": ["郑州", "洛阳"],
    "350000": ["福州", "厦门", "泉州"],
    "430000": ["长沙", "株洲"],
    "610000": ["西安"],
    "500000": ["重庆"],
    "120000": ["天津"],
    "530000": ["昆明", "大理"],
    "650000": ["乌鲁木齐", "喀什"],
    "540000": ["拉萨"],
    "460000": ["海口", "三亚"],
    "150000": ["呼和浩特", "包头"],
    "450000": ["南宁", "桂林"],
}
# Busier provinces send more parcels, and so more complaints.
PROVINCE_WEIGHTS = [18, 14, 12, 10, 8, 7, 6, 5, 5, 4, 3, 2, 2, 2, 2, 1, 1, 1, 1, 2]
# Outlets (网点): code, name, region; complaints name one of those in their region.
OUTLETS = [
    ("GZ-TH-01", "广州天河网点", "440000"), ("SZ-NS-01", "深圳南山网点", "440000"),
    ("HZ-XH-01", "杭州西湖网点", "330000"), ("NJ-GL-01", "南京鼓楼网点", "320000"),
    ("SH-PD-01", "上海浦东网点", "310000"), ("BJ-CY-01", "北京朝阳网点", "110000"),
    ("CD-WH-01", "成都武侯网点", "510000"), ("WH-JH-01", "武汉江汉网点", "420000"),
    ("UR-TS-01", "乌鲁木齐天山网点", "650000"), ("LS-CG-01", "拉萨城关网点", "540000"),
]

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]
COMPANIES = ["贸易有限公司", "电子商务有限公司", "科技有限公司", "服饰有限公司", "食品有限公司"]

CHANNEL_WEIGHTS = {
    "phone": 30, "web": 12, "wechat": 18, "social": 4, "email": 6, "chat": 10, "app": 14,
    "letter": 1, "onsite": 3, "partner": 2,
}
CATEGORY_WEIGHTS = {
    "delay": 30, "damage": 14, "loss": 7, "wrong_delivery": 10, "staff_attitude": 10,
    "pickup": 7, "fee_dispute": 8, "tracking": 8, "privacy": 2, "other": 4,
}
SERVICE_WEIGHTS = {"standard": 60, "express": 30, "cold_chain": 6, "valuables": 4}
LEVEL_WEIGHTS = {1: 15, 2: 40, 3: 30, 4: 10, 5: 5}

TEXTS = {
    "delay": ["Parcel promised for {day} has not arrived yet.",
              "Tracking has not moved for three days, the delivery is late.",
              "快件超过承诺时效仍未送达。"],
    "damage": ["The box arrived crushed and the contents are broken.",
               "Fragile goods damaged in transit, photos attached.",
               "包裹外包装破损，内件损坏。"],
    "loss": ["Tracking shows delivered but I never received the parcel.",
             "The parcel has been lost, nobody can tell me where it is."],
    "wrong_delivery": ["Parcel was delivered to the wrong address.",
                       "Courier left the parcel at a locker without asking."],
    "staff_attitude": ["The courier was rude on the phone and hung up.",
                       "快递员态度恶劣，拒绝送货上门。"],
    "pickup": ["Booked a pickup twice and nobody came.",
               "Courier missed the scheduled pickup window."],
    "fee_dispute": ["I was charged more than the quoted price.",
                    "Hidden surcharge on the invoice, please explain the fee."],
    "tracking": ["Tracking information is wrong, it shows another city.",
                 "No tracking updates at all since shipping."],
    "privacy": ["My phone number and address were posted in a group chat.",
                "Someone called me with my order details, my data leaked."],
    "other": ["General feedback about the service.", "Question about my account."],
}
URGENT_SUFFIXES = ["", "", "", "", " This is urgent!", " I will contact a lawyer.",
                   " I will post this on Weibo and tell the media."]
OUTCOMES = ["Deliver today", "Full refund", "Compensation for the goods", "An apology",
            "Explanation of the charges", "Delete my data"]

CATEGORY_TEAM = {
    "delay": "Logistics Delivery", "wrong_delivery": "Logistics Delivery",
    "pickup": "Logistics Delivery", "tracking": "Logistics Delivery",
    "damage": "Claims & Compensation", "loss": "Claims & Compensation",
    "staff_attitude": "Customer Service Centre", "fee_dispute": "Finance",
    "privacy": "Legal & Compliance", "other": "Intake & Triage",
}
# The SLA table (docs/policy.md): level -> (first response hours, resolution hours, callback days)
SLA_BY_LEVEL = {1: (2, 24, 3), 2: (4, 48, 5), 3: (8, 72, 7), 4: (4, 24, 3), 5: (1, 4, 1)}

# Demo users, one or more per role: (username, full name, "", role, team or None, lead?);
# Chinese names are written whole in the first-name field, as the office writes them.
DEMO_USERS = [
    ("editor", "周敏", "", "Policy Editor", None, False),
    ("auditor", "吴静", "", "Auditor", None, False),
    ("lead", "林涛", "", "Team Lead", "Logistics Delivery", True),
    ("agent", "王安", "", "Agent", "Logistics Delivery", False),
    ("agent2", "赵博", "", "Agent", "Logistics Delivery", False),
    ("claims_lead", "陈晨", "", "Team Lead", "Claims & Compensation", True),
    ("claims_agent", "戴文", "", "Agent", "Claims & Compensation", False),
    ("service_agent", "方琳", "", "Agent", "Customer Service Centre", False),
    ("triage_agent", "高远", "", "Agent", "Intake & Triage", False),
    ("finance_agent", "胡佳", "", "Agent", "Finance", False),
    ("legal_agent", "金鑫", "", "Agent", "Legal & Compliance", False),
    ("emergency_lead", "孔凯", "", "Team Lead", "Emergency Response", True),
    ("callback_agent", "陆瑶", "", "Agent", "Follow-up & Callback", False),
    ("manager", "梅华", "", "Team Lead", "Management", True),
]

# What agents write in the demo's lifecycle (seed/life.py), as a Chinese office writes it.
REPLIES = [
    "您好，您反映的问题已收到，我们正在联系网点核实，今天内给您答复。",
    "您好，已为您加急处理，派送员会在今天下午联系您。",
    "您好，我们已调取物流轨迹，正在与转运中心核实，请您耐心等待。",
    "您好，非常抱歉给您带来不便，已安排专人跟进。",
    "您好，请您提供快件外包装和物品的照片，便于我们核实。",
]
WAIT_REASONS = ["等待客户提供照片", "等待客户提供购物凭证", "客户电话未接通，已发短信",
                "等待客户确认收货地址"]
RESOLUTION_TEXTS = {
    "apology": ["向客户致歉，并对派送员进行批评教育", "电话致歉并赠送优惠券"],
    "redelivery": ["安排次日上午优先派送", "重新派送至客户指定地址"],
    "compensation": ["按保价金额赔偿", "按实际损失赔偿，三个工作日内到账"],
    "rectification": ["网点整改揽收流程，并回访客户", "更正系统信息并加强培训"],
    "penalty": ["对责任派送员按规定处罚", "对责任网点通报批评并处罚"],
    "explanation": ["向客户解释计费规则并提供明细", "说明物流轨迹异常原因"],
}
RESOLVED_MESSAGES = ["您好，您的投诉已处理完毕，感谢您的耐心。",
                     "您好，处理结果已按约定落实，如有疑问请随时联系我们。", None]
CALLBACK_COMMENTS = {
    0: [None], 1: ["问题没有解决，很不满意", "处理太慢了"],
    2: ["赔偿金额偏低", "态度还可以，但处理太慢"], 3: ["一般", None],
    4: ["处理及时，比较满意", None], 5: ["非常满意，谢谢", "处理得很快，满意", None],
}
REOPEN_REASONS = ["客户对处理结果不满意", "快件仍未收到"]
UNREACHED_CLOSE = ["三次回访未接通，按规定结案", "客户电话停机，按规定结案"]
CITY_ZH = {
    "Guangzhou": "广州", "Shenzhen": "深圳", "Dongguan": "东莞", "Foshan": "佛山",
    "Hangzhou": "杭州", "Ningbo": "宁波", "Wenzhou": "温州", "Yiwu": "义乌", "Nanjing": "南京",
    "Suzhou": "苏州", "Wuxi": "无锡", "Shanghai": "上海", "Beijing": "北京", "Jinan": "济南",
    "Qingdao": "青岛", "Yantai": "烟台", "Chengdu": "成都", "Mianyang": "绵阳", "Wuhan": "武汉",
    "Yichang": "宜昌", "Zhengzhou": "郑州", "Luoyang": "洛阳", "Fuzhou": "福州", "Xiamen": "厦门",
    "Quanzhou": "泉州", "Changsha": "长沙", "Zhuzhou": "株洲", "Xi'an": "西安",
    "Chongqing": "重庆", "Tianjin": "天津", "Kunming": "昆明", "Dali": "大理",
}
STREETS_ZH = ["人民路", "解放路", "中山路", "建设路", "长江路", "文化路"]
OUTCOMES_ZH = ["今天送达", "全额退款", "赔偿货物损失", "道歉", "解释收费", "删除我的个人信息",
               "尽快处理"]
