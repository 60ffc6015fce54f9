"""Varied demo complaint texts: an opener, a category's core sentence with slots filled
in, sometimes a detail and a closing, in Chinese or English.

The cores say the same things in different words so that the demo's text model has to
learn the category from the meaning, not from one fixed sentence per category.
"""

ITEMS_ZH = ["手机", "衣服", "一箱水果", "合同文件", "笔记本电脑", "奶粉", "化妆品", "运动鞋",
            "几本书", "茶叶", "药品", "相机镜头", "生日蛋糕", "海鲜", "被子"]
ITEMS_EN = ["phone", "jacket", "box of fruit", "contract papers", "laptop", "baby formula",
            "skincare set", "trainers", "books", "tea", "medicine", "camera lens",
            "birthday cake", "seafood", "duvet"]
PLACES_ZH = ["驿站", "快递柜", "门卫室", "公司前台", "隔壁邻居家", "小区门口"]
PLACES_EN = ["the parcel station", "a locker", "the guard house", "our reception",
             "a neighbour's door", "the estate gate"]

OPENERS_ZH = ["", "", "你好，", "客服你好，", "麻烦帮我查一下，", "我要投诉，", "请问，"]
OPENERS_EN = ["", "", "Hello, ", "Hi, ", "I want to complain: ", "Please help. ",
              "To whom it may concern, "]
CLOSINGS_ZH = ["", "", "请尽快处理。", "希望给个说法。", "麻烦尽快回复我。", "已经打过两次电话了。"]
CLOSINGS_EN = ["", "", " Please sort it out.", " I expect an answer today.",
               " This is the second time I am writing.", " Thanks."]

CORES_ZH = {
    "delay": ["我的{item}说好{days}天到，现在还没送到", "快件在中转站停了{days}天不动",
              "下单{days}天了还在路上，早就超过承诺时效了", "显示派送中一整天，到晚上也没人送",
              "加急件比普通件还慢，{days}天了没到", "说今天送达，结果又改成明天",
              "物流一直卡在{city}分拨中心，迟迟不发出", "冷链的{item}晚到了{days}天"],
    "damage": ["收到的{item}外箱压扁了，里面也坏了", "打开包裹发现{item}摔碎了",
               "箱子湿透了，{item}全泡坏了", "{item}屏幕裂了，包装明显被摔过",
               "易碎品贴了标签还是破了", "外包装完好但里面的{item}变形了",
               "{item}到手漏了一地，盒子也烂了", "签收时发现{item}有划痕和凹陷"],
    "loss": ["{item}寄出{days}天查不到任何记录，是不是丢了", "显示已签收但我根本没收到{item}",
             "网点说找不到我的包裹了", "包裹里的{item}少了一件，箱子是空的一半",
             "快递员说件丢了让我等消息", "中转后物流信息就消失了，件不见了",
             "寄给客户的{item}一直没到，网点也说没有这个件"],
    "wrong_delivery": ["{item}被送到别的小区去了", "没经过我同意就放在{place}了",
                       "地址写的是家里，却送到了{place}", "包裹被别人签收了，不是我本人",
                       "送错楼栋了，我在{place}找了半天", "明明要求送货上门，直接扔{place}",
                       "把别人的件送到我这里，我的却不知道去哪了"],
    "staff_attitude": ["快递员电话里很不耐烦，还挂我电话", "送件的师傅态度恶劣，骂人",
                       "问了两句就被快递员凶了一顿", "客服敷衍我，说不归他们管",
                       "快递员把包裹往地上一扔就走了，还说爱要不要",
                       "网点工作人员态度很差，不让我查件", "派件员威胁说下次不给我送"],
    "pickup": ["预约了上门取件，等了一天没人来", "约好下午{time}点取件，快递员没出现",
               "取件员来了说东西太大不收", "下单寄件{days}天了，一直显示待揽收",
               "快递员上门取件迟到了三个小时", "取件时间改了好几次，最后还是没来",
               "线上预约寄件，网点说附近没人揽收"],
    "fee_dispute": ["运费比报价多收了{amount}元", "寄件时说{amount}元，扣款却是双倍",
                    "莫名其妙多了一笔保价费", "到付的运费比说好的贵，还要加收派送费",
                    "偏远地区附加费没有提前告知", "理赔只给{amount}元，和保价金额差太多",
                    "包装费收了{amount}元，我并没有要包装"],
    "tracking": ["物流信息好几天没有更新", "查件显示在{city}，实际上根本不在那里",
                 "物流显示已签收，可件还在快递员手里", "运单号查不到任何信息",
                 "轨迹一会儿在{city}一会儿又退回来，信息乱七八糟", "系统显示派送失败，可我一直在家",
                 "物流状态一直停在已揽收"],
    "privacy": ["我的电话和地址被人发到群里了", "有陌生人打电话说出了我的快递内容",
                "面单上的个人信息被随便丢在{place}", "收到诈骗电话，对方知道我的运单号",
                "快递员把我的手机号给了别人", "网点把客户信息表拍照发朋友圈"],
    "other": ["想咨询一下会员积分怎么用", "建议你们的小程序增加夜间派送选项",
              "网点营业时间能不能延长一点", "请问寄国际件需要什么材料",
              "发票开错了抬头，想重新开", "对你们的服务提点建议"],
}
CORES_EN = {
    "delay": ["my {item} was due in {days} days and still has not arrived",
              "the parcel has been sitting at the hub for {days} days",
              "express delivery promised next day, it is now day {days}",
              "it said out for delivery all day but nobody came",
              "the delivery date keeps moving back, first today, now tomorrow",
              "stuck at the {city} sorting centre for ages",
              "my cold-chain {item} arrived {days} days late"],
    "damage": ["the box came crushed and the {item} inside is broken",
               "my {item} arrived smashed", "the parcel was soaking wet and the {item} is ruined",
               "the screen of the {item} is cracked, the box was clearly dropped",
               "marked fragile and still broken", "the {item} is dented and scratched",
               "it leaked everywhere, the packaging was torn open"],
    "loss": ["my {item} shipped {days} days ago and there is no trace of it",
             "marked as delivered but I never got the {item}", "the outlet says they lost my parcel",
             "half the order is missing, the {item} is not in the box",
             "the courier admitted the parcel is lost", "after the transfer the parcel vanished"],
    "wrong_delivery": ["the {item} went to a different address",
                       "left at {place} without asking me", "it was handed to someone else who signed for it",
                       "delivered to the wrong building", "I asked for door delivery and it was dumped at {place}",
                       "I received someone else's parcel instead of mine"],
    "staff_attitude": ["the courier was rude on the phone and hung up on me",
                       "the driver shouted at me when I asked a question",
                       "customer service brushed me off and said it is not their problem",
                       "the courier threw the parcel on the ground and walked off",
                       "staff at the outlet were unhelpful and sarcastic",
                       "the delivery man swore at my mother"],
    "pickup": ["I booked a pickup and nobody came all day", "the courier missed the {time} o'clock pickup slot",
               "the pickup guy refused to take my box", "my shipment has said awaiting pickup for {days} days",
               "pickup was rescheduled three times and never happened",
               "the collection was three hours late"],
    "fee_dispute": ["I was charged {amount} yuan more than the quote", "the invoice has a surcharge nobody mentioned",
                    "charged twice for the same shipment", "the compensation offered is only {amount} yuan",
                    "a remote-area fee was added after I paid", "they billed me for packaging I did not want"],
    "tracking": ["tracking has not updated for days", "tracking says {city} but that cannot be right",
                 "the status says delivered but the courier still has it",
                 "the waybill number shows nothing at all", "the tracking history jumps back and forth",
                 "it says delivery failed but I was home all day"],
    "privacy": ["my phone number and address were shared in a group chat",
                "a stranger called me knowing exactly what I ordered",
                "labels with my personal details were left lying at {place}",
                "a scam caller quoted my waybill number", "the courier gave my number to someone else"],
    "other": ["how do I use my membership points", "could you add evening delivery slots in the app",
              "please extend the outlet's opening hours", "what documents do I need for an international shipment",
              "the invoice has the wrong company name", "a general suggestion about your service"],
}
DETAILS_ZH = ["", "", "", "运单号{waybill}。", "我已经拍了照片。", "这是第二次出现这种情况。",
              "东西是送人的，很着急。"]
DETAILS_EN = ["", "", "", " Waybill {waybill}.", " I have photos.", " This has happened before.",
              " It was a gift and I need it soon."]
CITIES = ["杭州", "广州", "成都", "武汉", "郑州", "济南"]
CITIES_EN = ["Hangzhou", "Guangzhou", "Chengdu", "Wuhan", "Zhengzhou", "Jinan"]

RESOLUTIONS = {
    "delay": [("redelivery", "联系网点优先派送，次日上午送达"), ("compensation", "按时效承诺退还运费"),
              ("explanation", "Explained the hub backlog and gave a new delivery date")],
    "damage": [("compensation", "按保价金额赔偿损坏物品"), ("compensation", "Paid for the broken goods after checking the photos"),
               ("redelivery", "补发同款商品，费用由我司承担")],
    "loss": [("compensation", "确认丢失，按申报价值赔付"), ("compensation", "Declared lost and refunded the declared value")],
    "wrong_delivery": [("redelivery", "取回包裹重新派送到客户指定地址"),
                       ("apology", "Apologised and retrieved the parcel from the wrong address")],
    "staff_attitude": [("penalty", "对快递员进行处罚并安排上门道歉"), ("apology", "Team lead called the customer to apologise")],
    "pickup": [("rectification", "安排专人当天上门揽收"), ("apology", "Apologised and booked a guaranteed pickup slot")],
    "fee_dispute": [("compensation", "退还多收的费用"), ("explanation", "Explained the surcharge and refunded the difference")],
    "tracking": [("explanation", "核实实际位置并更新物流信息"), ("rectification", "Fixed the scan records and shared the real status")],
    "privacy": [("rectification", "删除泄露信息并对网点整改"), ("apology", "Removed the posted data and disciplined the staff involved")],
    "other": [("explanation", "已电话答复客户的咨询"), ("explanation", "Answered the question by phone")],
}


def complaint_text(rng, category: str, *, waybill: str) -> str:
    """One demo description of `category`, Chinese about 60 % of the time."""
    slots = {"days": rng.randint(2, 9), "amount": rng.choice([5, 8, 12, 20, 35, 60, 150]),
             "time": rng.choice([2, 3, 4, 5]), "waybill": waybill}
    if rng.random() < 0.6:
        slots.update(item=rng.choice(ITEMS_ZH), place=rng.choice(PLACES_ZH),
                     city=rng.choice(CITIES))
        core = rng.choice(CORES_ZH[category]).format(**slots)
        text = rng.choice(OPENERS_ZH) + core + "。" + rng.choice(DETAILS_ZH).format(**slots)
        return text + rng.choice(CLOSINGS_ZH)
    slots.update(item=rng.choice(ITEMS_EN), place=rng.choice(PLACES_EN),
                 city=rng.choice(CITIES_EN))
    core = rng.choice(CORES_EN[category]).format(**slots)
    opener = rng.choice(OPENERS_EN)
    core = core[0].upper() + core[1:] if not opener or opener.endswith(". ") or \
        opener.endswith(": ") else core
    text = opener + core + "." + rng.choice(DETAILS_EN).format(**slots)
    return text + rng.choice(CLOSINGS_EN)


def resolution(rng, category: str) -> tuple[str, str]:
    return rng.choice(RESOLUTIONS[category])
