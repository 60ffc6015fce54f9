"""Reference data the demo generator draws from (regions, names, complaint texts)."""

PROVINCES = {
    "Guangdong": ["Guangzhou", "Shenzhen", "Dongguan", "Foshan"],
    "Zhejiang": ["Hangzhou", "Ningbo", "Wenzhou", "Yiwu"],
    "Jiangsu": ["Nanjing", "Suzhou", "Wuxi"],
    "Shanghai": ["Shanghai"],
    "Beijing": ["Beijing"],
    "Shandong": ["Jinan", "Qingdao", "Yantai"],
    "Sichuan": ["Chengdu", "Mianyang"],
    "Hubei": ["Wuhan", "Yichang"],
    "Henan": ["Zhengzhou", "Luoyang"],
    "Fujian": ["Fuzhou", "Xiamen", "Quanzhou"],
    "Hunan": ["Changsha", "Zhuzhou"],
    "Shaanxi": ["Xi'an"],
    "Chongqing": ["Chongqing"],
    "Tianjin": ["Tianjin"],
    "Yunnan": ["Kunming", "Dali"],
}
# Busier provinces send more parcels, and so more complaints.
PROVINCE_WEIGHTS = [18, 14, 12, 10, 8, 7, 6, 5, 5, 4, 3, 2, 2, 2, 2]

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
# DOMAIN.md's SLA table: level -> (first response hours, resolution hours, callback days)
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
