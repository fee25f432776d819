"""The help topics and their default texts, in plain English and in easy read.

A council that has saved nothing shows these. They are written for people anxious about money and
forms: short sentences, no jargon, and in easy read one idea a sentence. The council's own facts
(its underspend rule, its contribution, its spend categories and listings) are shown beside the text
by the page, so an edited text never goes out of date with them.
"""
from __future__ import annotations

READINGS = {"standard": "Standard", "easy": "Easy read"}

# slug -> (title, one-line summary, standard text, easy-read text). The texts use only the markup
# the sanitiser allows (see service.ALLOWED_TAGS).
TOPICS: dict[str, tuple[str, str, str, str]] = {
    "spending": (
        "What a personal budget can be spent on",
        "The test your council uses, and examples of what people buy.",
        """<p>A personal budget is money from the council to meet the needs in your support plan.
You can spend it on anything that is legal, safe and helps you reach an outcome agreed in your plan.</p>
<h2>The test</h2>
<ul><li>Is it legal?</li><li>Is it safe?</li><li>Does it help with something your plan says you want to achieve?</li></ul>
<p>If the answer to all three is yes, you can usually buy it. It does not have to be a care service.</p>
<h2>Things people often buy</h2>
<p>People have used their budgets for a personal assistant, help at home, short breaks, a gym membership,
classes and courses, transport, and equipment such as a computer. The examples below come from the council.</p>
<h2>What a budget cannot be used for</h2>
<ul><li>Anything against the law.</li><li>Gambling, alcohol or tobacco.</li>
<li>Things that do not help with your plan. Money set aside for one outcome is for that outcome.</li></ul>
<p>If you are not sure, ask your care coordinator or broker before you buy. Asking is always fine.</p>""",
        """<p>A personal budget is money from the council.</p>
<p>It pays for the help you need.</p>
<p>Your support plan says what help you need.</p>
<h2>What you can buy</h2>
<ul><li>It must be legal.</li><li>It must be safe.</li><li>It must help with your plan.</li></ul>
<p>It does not have to be care.</p>
<p>It can be a class.</p>
<p>It can be a trip out.</p>
<p>It can be a person to help you.</p>
<h2>What you cannot buy</h2>
<ul><li>Things against the law.</li><li>Betting.</li><li>Alcohol or cigarettes.</li></ul>
<p>Not sure? Ask first.</p>
<p>Asking is fine.</p>""",
    ),
    "holding-the-money": (
        "Ways of holding the money",
        "Direct payment, managed account, council-managed and individual service fund compared.",
        """<p>There are four main ways to hold your budget. You choose the one that suits you.
You can change your choice later without a new assessment, for example if your health changes.</p>
<h2>Direct payment</h2>
<p>The money is paid into a bank account for your budget. You choose and pay for your support yourself.
This gives you the most choice. You keep receipts and the council checks the account from time to time.</p>
<h2>Managed account</h2>
<p>A broker or support organisation holds the money for you. You decide what to buy. They pay the bills
and send you a statement showing what is left.</p>
<h2>Council-managed</h2>
<p>The council holds the money and arranges the support you agreed. This means the least paperwork for you,
but less choice about who provides your support.</p>
<h2>Individual service fund</h2>
<p>A provider you choose holds the money for you. It is kept only for you. The provider plans your support with you.</p>
<h2>Mixed</h2>
<p>You can split your budget between these ways.</p>""",
        """<p>You can hold the money in different ways.</p>
<p>You choose.</p>
<p>You can change your mind later.</p>
<h2>Direct payment</h2>
<p>The money goes into a bank account.</p>
<p>You pay for your help.</p>
<p>You keep the receipts.</p>
<h2>Managed account</h2>
<p>Someone holds the money for you.</p>
<p>You say what to buy.</p>
<p>They pay.</p>
<h2>Council-managed</h2>
<p>The council holds the money.</p>
<p>The council sets up your help.</p>
<h2>Individual service fund</h2>
<p>A provider holds the money.</p>
<p>The money is only for you.</p>""",
    ),
    "brokerage": (
        "Brokers and peer support",
        "People who can help you plan and buy support.",
        """<p>A broker helps you write your support plan and find support. Some brokers can also order and pay
for support for you. Everything a broker does for you is recorded in your name, so you can see it.</p>
<p>A peer broker has a personal budget themselves, or has used support like yours. They often work for a
local user-led organisation. Many people find it easier to talk to someone who has been through it.</p>
<p>You can also ask a family member, a friend or an advocate to help. You decide what they can do for you,
and you can change this at any time.</p>""",
        """<p>A broker is a helper.</p>
<p>A broker helps you make a plan.</p>
<p>A broker helps you find support.</p>
<p>A peer broker has been through it too.</p>
<p>Family or friends can help you too.</p>
<p>You say what they can do.</p>""",
    ),
    "contributions": (
        "Paying towards your support",
        "Why you may be asked to pay part of the cost, and how it works.",
        """<p>Some people pay part of the cost of their support. This is called a contribution.
The council works it out from your income and savings. It is called a financial assessment.</p>
<p>Your contribution is added to your budget with the council's money. You spend it all in the same way.</p>
<p>If you cannot afford your contribution, tell the council as soon as you can. They can check the sum again.
You will not lose your support because you asked.</p>""",
        """<p>You may pay part of the cost.</p>
<p>This is called a contribution.</p>
<p>The council works out how much.</p>
<p>It looks at your money.</p>
<p>Cannot pay? Tell the council.</p>
<p>They can check again.</p>""",
    ),
    "underspend": (
        "Money you have not spent",
        "What happens to unspent money, and your council's rule.",
        """<p>It is normal to have some money left over. Support can be cancelled, or cost less than planned.</p>
<p>Each council has its own rule about money that builds up. Your council's rule is shown below.
Usually a small amount can be kept to cover emergencies. This is called a contingency.</p>
<p>If money is building up, it may mean your plan needs to change. Your statement shows how much you hold.
You will be told before any money is taken back, and you can talk to someone about it.</p>""",
        """<p>Sometimes money is left over.</p>
<p>That is normal.</p>
<p>Each council has a rule about it.</p>
<p>The rule is below.</p>
<p>You will be told first.</p>
<p>You can talk to someone.</p>""",
    ),
    "carers": (
        "Help for carers",
        "If you look after someone, or someone acts for you.",
        """<p>A carer is someone who helps a family member or friend who could not manage without them.
Carers can ask the council for a carer's assessment. This is free and may lead to support for you too.</p>
<p>A carer can act for the person they look after, if that person agrees. This is called being a representative.
The person chooses what the carer may do: see the budget, order support or approve invoices.</p>
<p>A break from caring, such as a short break for the person you care for, can be part of a support plan.</p>""",
        """<p>A carer looks after someone.</p>
<p>Carers can get help too.</p>
<p>Ask the council.</p>
<p>A carer can act for someone.</p>
<p>The person must agree.</p>""",
    ),
    "getting-help": (
        "How to get help",
        "Who to contact, and what to do if something goes wrong.",
        """<p>If you have a question about your plan or your budget, contact your care coordinator first.
Their name is on your plan.</p>
<p>You can also ask a broker, a peer support group, or someone you trust to help you.</p>
<p>If something goes wrong with support you bought, tell the provider. If that does not fix it, tell the council.</p>
<p>If you are in a crisis, follow the crisis plan in your support plan. In an emergency, call 999.</p>""",
        """<p>Have a question?</p>
<p>Ask your care coordinator.</p>
<p>Their name is on your plan.</p>
<p>Something wrong?</p>
<p>Tell the provider.</p>
<p>Then tell the council.</p>
<p>Emergency? Call 999.</p>""",
    ),
}

# What the council's underspend rule data means, in words, by its kind (never by which council it is).
UNDERSPEND_WORDS = {
    "repay_above_weeks_of_payments": "{name} asks for money back only when you hold more than {weeks} weeks of payments.",
    "recoup_above_contingency": ("{name} lets you keep {contingency_weeks} weeks of payments for emergencies. "
                                 "Money above that may be taken back at the end of each quarter, and your worker is asked to look at your plan."),
    "review_at_plan_review": "{name} has no rule for taking money back. Unspent money is talked about at your plan review.",
    "contact_holder_then_hold_payments_or_claw_back": ("{name} contacts you first if you hold more than {weeks} weeks of payments. "
                                                       "Later it may hold back part of a payment."),
    "recover_through_direct_payment_audit": ("{name} lets you keep {contingency_weeks} weeks of payments for emergencies. "
                                             "Money above that is paid back after the yearly check of your account."),
}


def title(topic: str) -> str:
    return TOPICS[topic][0]


def summary(topic: str) -> str:
    return TOPICS[topic][1]


def default_text(topic: str, reading: str) -> str:
    return TOPICS[topic][2 if reading == "standard" else 3]


def underspend_words(council) -> str:
    """The council's underspend rule in one or two sentences, from its data; a plain fallback otherwise."""
    data = dict(council.underspend_rule or {})
    name = council.name.removesuffix(" Council")
    template = UNDERSPEND_WORDS.get(data.get("kind"))
    if template is None:
        return f"Ask {name} about its rule for money you have not spent."
    try:
        return template.format(name=name, **data)
    except (KeyError, IndexError, ValueError):
        return f"Ask {name} about its rule for money you have not spent."


def contribution_words(council) -> str:
    share = council.contribution_share
    name = council.name.removesuffix(" Council")
    if share is None:
        return f"{name} works out each person's contribution from a financial assessment."
    return f"In {name}, people who pay a contribution pay up to {round(share * 100)}% of the cost of their plan."
