"""Demo catalogue: over 300 listings across every category and the five councils,
with personal assistants, peer brokers and free community resources.

PRICES ARE ASSUMPTIONS. The source reports give no price list, so these are
believable 2026 UK figures chosen by us: personal assistants £12.50-£16 an hour
(around the real living wage plus holiday pay), agency support workers and personal
care £23-£30 an hour (typical homecare rates), domestic help £15-£20 an hour, gym
memberships £20-£45 a month, short breaks £350-£950 a week, and so on; each
template below carries its range. Councils' agreed rates are 5-10% below public prices.
Everything is keyed on natural keys (organisation name, listing title and organisation),
so loading twice gives the same catalogue.
"""
from __future__ import annotations

from datetime import date, timedelta

from marketplace import clock, taxonomy
from marketplace.extensions import db
from marketplace.pricing.models import CouncilPrice
from marketplace.providers import cqc
from marketplace.providers import service as providers
from marketplace.providers.models import APPROVAL, Organisation, OrganisationApproval

from .models import LISTING, CommunityEvent, Listing, PersonProfile

# category -> list of (title, summary, unit, (low, high) price in pounds, outcomes, delivery modes)
TEMPLATES: dict[str, list[tuple]] = {
    "support-worker": [
        ("Support worker visits", "A trained support worker helps with everyday tasks at home and out.", "hour", (23, 28), ["nutrition", "home_safety", "community"], ["home"]),
        ("Mental health support worker", "Practical and emotional support from a worker trained in mental health.", "hour", (24, 30), ["relationships", "community"], ["home", "venue"]),
    ],
    "short-breaks": [
        ("Seaside short break", "A week by the sea with support on hand, in accessible holiday flats.", "week", (450, 950), ["relationships", "community"], ["venue"]),
        ("Weekend respite stay", "A supported weekend away to rest and recharge.", "session", (180, 320), ["relationships"], ["venue"]),
    ],
    "leisure": [
        ("Cinema and meal out with support", "Someone to go with you to the cinema and for a meal.", "session", (35, 55), ["community", "relationships"], ["venue"]),
        ("Bowling club evenings", "Friendly bowling evenings with a support worker on hand.", "session", (12, 20), ["community"], ["venue"]),
    ],
    "gym": [
        ("Gym membership with induction", "Monthly gym membership, with a quiet-hours induction.", "month", (20, 45), ["community"], ["venue"]),
        ("Personal trainer sessions", "One-to-one fitness sessions at a pace that suits you.", "session", (25, 40), ["community"], ["venue", "home"]),
    ],
    "domestic-help": [
        ("Home cleaning help", "A regular cleaner to keep your home clean and tidy.", "hour", (15, 20), ["habitable_home"], ["home"]),
        ("Help around the house and garden", "Help with housework, shopping and light garden jobs.", "hour", (15, 19), ["habitable_home", "nutrition"], ["home"]),
    ],
    "personal-assistant": [
        ("Personal assistant matching service", "We help you find, interview and employ your own personal assistant.", "item", (60, 120), ["community"], ["home", "online"]),
    ],
    "transport": [
        ("Accessible taxi service", "Wheelchair-accessible taxis with drivers trained in disability awareness.", "item", (8, 25), ["community"], ["home"]),
        ("Community minibus trips", "Door-to-door minibus to shops, clubs and appointments.", "item", (3, 8), ["community"], ["home"]),
    ],
    "computing": [
        ("Laptop with setup and lessons", "A laptop set up for you, with three lessons on using it.", "item", (320, 520), ["work_learning", "relationships"], ["home"]),
        ("Tablet and online safety course", "A tablet plus a short course on staying safe online.", "item", (180, 300), ["relationships"], ["home", "online"]),
    ],
    "social-support": [
        ("Befriending and social support", "Someone to go with you to groups and activities until you feel confident.", "hour", (16, 22), ["relationships", "community"], ["home", "venue"]),
    ],
    "home-improvements": [
        ("Decorating a room", "A decorator paints one room, with you choosing the colours.", "item", (250, 600), ["habitable_home"], ["home"]),
        ("Fridge freezer supplied and fitted", "A new fridge freezer delivered and the old one taken away.", "item", (280, 450), ["nutrition", "habitable_home"], ["home"]),
    ],
    "education": [
        ("Creative writing course", "A ten-week evening course in creative writing for beginners.", "item", (90, 180), ["work_learning"], ["venue", "online"]),
        ("Literacy tutor", "One-to-one reading and writing lessons at your own pace.", "hour", (22, 35), ["work_learning"], ["home", "online"]),
    ],
    "sports": [
        ("Horse riding lessons", "Riding lessons at an accessible stables, with a patient instructor.", "session", (30, 48), ["community"], ["venue"]),
        ("Tennis club membership", "Membership of a friendly tennis club with coaching sessions.", "membership", (60, 140), ["community", "relationships"], ["venue"]),
        ("Swimming lessons for adults", "Small-group swimming lessons for adults, in a quiet pool session.", "session", (8, 15), ["community"], ["venue"]),
    ],
    "days-out": [
        ("Supported day trips", "Day trips to the coast, the countryside and places of interest, with support.", "day", (55, 95), ["community", "relationships"], ["venue"]),
    ],
    "wellness": [
        ("Relaxation and massage sessions", "Gentle massage and relaxation to ease stress.", "session", (30, 50), ["relationships"], ["venue"]),
        ("Mindfulness course", "An eight-week mindfulness course for managing stress and low mood.", "item", (60, 120), ["relationships", "work_learning"], ["venue", "online"]),
    ],
    "memberships": [
        ("Leisure centre annual pass", "A year's pass to the pool, gym and classes.", "membership", (180, 360), ["community"], ["venue"]),
    ],
    "specialist-clothing": [
        ("Riding kit and boots", "Riding hat, boots and jodhpurs fitted for you.", "item", (90, 180), ["clothing", "community"], ["venue"]),
        ("Adaptive clothing", "Clothes with easy fastenings, chosen and fitted with you.", "item", (30, 90), ["clothing"], ["home", "venue"]),
    ],
    "arts": [
        ("Art classes", "Weekly painting and drawing classes for all abilities.", "session", (8, 18), ["community", "relationships"], ["venue"]),
        ("Community choir", "Sing with others; no experience needed.", "month", (10, 20), ["relationships", "community"], ["venue"]),
    ],
    "other": [
        ("Pet care while you are unwell", "Dog walking and pet care when you cannot manage it yourself.", "hour", (12, 18), ["home_safety", "habitable_home"], ["home"]),
    ],
    "gardening": [
        ("Gardening help", "Help with mowing, weeding and keeping your garden tidy.", "hour", (15, 22), ["habitable_home", "home_safety"], ["home"]),
        ("Garden shed, tools and seeds", "A shed, the tools and the seeds to start growing your own food.", "item", (150, 400), ["nutrition", "habitable_home"], ["home"]),
        ("Allotment gardening sessions", "Grow vegetables with others at a supported allotment.", "session", (5, 12), ["community", "nutrition"], ["venue"]),
    ],
    "driving-lessons": [
        ("Driving lessons", "Patient driving lessons, with adapted cars available.", "hour", (32, 45), ["community", "work_learning"], ["home"]),
    ],
    "bills": [
        ("Help sorting out bills", "Someone to help you understand and pay your household bills.", "hour", (18, 28), ["habitable_home"], ["home", "online"]),
    ],
    "cycles": [
        ("Bike with fitting and maintenance", "A bike chosen for you, fitted and serviced for a year.", "item", (280, 650), ["community"], ["venue"]),
        ("Adapted cycling sessions", "Trikes, handbikes and tandems for everyone to ride.", "session", (5, 12), ["community"], ["venue"]),
    ],
    "enterprise": [
        ("Start your own small business", "Coaching to plan and start a micro-enterprise.", "session", (35, 60), ["work_learning"], ["venue", "online"]),
    ],
    "electronics": [
        ("Digital camera with photography course", "A camera and a short course on taking good photos.", "item", (200, 380), ["community", "work_learning"], ["venue"]),
    ],
    "childcare": [
        ("Help with the school run", "Reliable help getting your children to and from school.", "hour", (13, 18), ["caring"], ["home"]),
        ("Nursery sessions", "Nursery sessions so you can rest or attend appointments.", "session", (30, 55), ["caring"], ["venue"]),
    ],
    "personal-care": [
        ("Personal care at home", "Help with washing, dressing and medication, from a regulated care provider.", "hour", (24, 30), ["hygiene", "clothing", "toilet", "nutrition"], ["home"]),
        ("Morning and evening care calls", "Half-hour calls to help you get up and go to bed.", "half_hour", (13, 17), ["hygiene", "clothing", "home_safety"], ["home"]),
    ],
    "day-opportunities": [
        ("Day opportunities centre", "Activities, skills sessions and company in a welcoming day centre.", "day", (45, 80), ["community", "relationships", "work_learning"], ["venue"]),
    ],
    "equipment": [
        ("Grab rails and small adaptations", "Grab rails, rails and small adaptations fitted at home.", "item", (60, 250), ["home_safety", "hygiene"], ["home"]),
        ("Telecare alarm", "A personal alarm that calls for help when you need it.", "month", (12, 25), ["home_safety"], ["home"]),
    ],
    "employment-support": [
        ("Job coaching", "A job coach helps you find and keep work you enjoy.", "hour", (28, 40), ["work_learning"], ["venue", "online"]),
        ("Volunteering placements", "Find a volunteering role, with support to get started.", "session", (15, 30), ["work_learning", "community"], ["venue"]),
    ],
    "peer-support": [
        ("Peer support group", "Weekly group run by people with lived experience of mental ill health.", "session", (3, 8), ["relationships"], ["venue", "online"]),
    ],
    "advocacy": [
        ("Independent advocacy", "An advocate helps you have your say in decisions about your care.", "hour", (30, 45), ["relationships"], ["home", "venue", "online"]),
    ],
    "support-planning": [
        ("Support planning and brokerage", "Help to write your support plan and arrange the support in it.", "hour", (30, 50), ["community", "relationships"], ["home", "online"]),
    ],
    "payroll-managed-accounts": [
        ("PA payroll service", "We run payroll, pensions and tax for the PAs you employ.", "month", (15, 30), ["habitable_home"], ["online"]),
        ("Managed account service", "We hold your budget and pay providers on your instruction, with monthly statements.", "month", (20, 40), ["habitable_home"], ["online"]),
    ],
}

PROVIDER_NAMES = [
    "Brightside Care", "Harbour Home Care", "Oak Tree Support", "Northern Lights Wellbeing", "Riverside Day Services",
    "Kindred Living", "Open Door Support", "Sunrise Short Breaks", "Meadow Lane Gardening", "Clearview Cleaning Co-op",
    "Ability Transport", "Pathways Learning", "FitTogether", "Creative Minds Arts", "Rise Employment",
    "Voices Advocacy", "Safe Hands Equipment", "SmartStart Tech", "Wheels For All", "Bridge Brokerage",
]
MICRO_NAMES = ["Jo's Gardening", "Little Acorns Childminding", "Handy Helpers", "Tea and Company", "Bright Brushes Decorating",
               "Saddle Up Riding", "Calm Space Therapies", "Easy Wheels Taxis"]
PA_PEOPLE = [("Amira", "Hussain"), ("Ben", "Carter"), ("Chloe", "Davies"), ("Dev", "Mistry"), ("Eve", "Morgan"),
             ("Femi", "Adeyemi"), ("Gemma", "Lloyd"), ("Harry", "Price"), ("Isla", "Grant"), ("Jack", "Doyle"),
             ("Kasia", "Zielinska"), ("Leon", "Ward"), ("Mei", "Chen"), ("Nadia", "Rahman"), ("Oscar", "Bell"),
             ("Paula", "Assistant"), ("Rosa", "Silva"), ("Sean", "Byrne"), ("Tara", "Quinn"), ("Usman", "Ali"),
             ("Vicky", "Hale"), ("Wes", "Tran"), ("Yasmin", "Kaur"), ("Zoe", "Fraser"), ("Aled", "Jones")]
PEER_BROKERS = [("Mo", "Jackson"), ("Rita", "Okoro"), ("Stan", "Lewis"), ("Helen", "Cross"), ("Kemal", "Aydin"),
                ("Fran", "Moss"), ("Gil", "Reed"), ("Lou", "Pike")]
PA_SKILLS = ["cooking", "driving", "mental health first aid", "personal care", "shopping", "gardening", "swimming",
             "British Sign Language", "medication prompts", "budgeting", "going to the gym", "art and crafts"]
COMMUNITY = [
    ("Walking group", "A gentle weekly walk followed by a cuppa.", "Just turn up at the start point; wear comfortable shoes.", "weekly"),
    ("Mental health drop-in", "A friendly drop-in to chat, have a brew and get information.", "Drop in any time during opening hours.", "weekly"),
    ("Time bank", "Swap an hour of your time for an hour of someone else's.", "Register at the library or call the coordinator.", "monthly"),
    ("Library reading group", "Read and chat about a book each month.", "Ask at the library desk; books are provided.", "monthly"),
    ("Men's shed", "Woodwork, repairs and company in a shared workshop.", "Come along to a session; no skills needed.", "weekly"),
    ("Community garden", "Grow food and flowers together in the community garden.", "Turn up in old clothes; tools provided.", "weekly"),
    ("Craft and chat", "Knitting, sewing and crafts with tea and cake.", "Just come along; materials provided.", "weekly"),
    ("Hearing voices group", "A peer group for people who hear voices or see visions.", "Call the group first for a friendly chat.", "fortnightly"),
    ("Parkrun", "A free, timed 5k walk or run in the park every Saturday.", "Register online once and bring your barcode.", "weekly"),
    ("Community cafe lunch", "A pay-as-you-feel lunch and a warm welcome.", "Just turn up; pay what you can.", "weekly"),
]
# The demo council's spread of community resources: 45 in all.
COMMUNITY_PER_COUNCIL = {"aldermoor": 13, "birchley": 8, "coldwater": 8, "dunmere": 8, "eskbridge": 8}


def _price(low: int, high: int, n: int) -> int:
    """A price between low and high pounds, in 50p steps, varied by n."""
    steps = max(1, (high - low) * 2)
    return (low * 100) + ((n * 37) % (steps + 1)) * 50


def _org(name, kind, councils, n) -> Organisation:
    organisation = db.session.scalar(db.select(Organisation).filter_by(name=name))
    if organisation is None:
        organisation = Organisation(name=name, kind=kind)
        db.session.add(organisation)
        db.session.flush()
    districts = [d for c in councils for d in c.postcode_districts]
    organisation.kind = kind
    organisation.summary = organisation.summary or f"{name} works across {', '.join(c.name for c in councils)}."
    organisation.email = organisation.email or f"hello@{name.lower().replace(' ', '').replace(chr(39), '')}.example.com"
    organisation.phone = organisation.phone or f"0161 496 {1000 + n:04d}"
    organisation.areas_served = districts
    organisation.languages = ["en"] + (["ur", "pa"] if n % 4 == 0 else []) + (["pl"] if n % 5 == 1 else [])
    if kind == "provider" and n % 3 == 0:
        organisation.cqc_location_id = f"1-{100000000 + n * 7919}"  # its rating comes from the CQC import, in load()
    for council in councils:
        if organisation.approval_in(council.id) is None:
            APPROVAL.move(providers.apply_to(None, organisation, council), "approved")
    db.session.flush()
    return organisation


_SET_ONCE = ("published_at", "last_confirmed_at")


def _listing(organisation, title, **fields) -> Listing:
    """Create or refresh a listing. Its dates are set only when it is created, so reloading changes nothing."""
    query = db.select(Listing).filter_by(title=title)
    query = query.filter_by(organisation_id=organisation.id) if organisation is not None else query.filter_by(council_id=fields.get("council_id"))
    listing = db.session.scalar(query)
    created = listing is None
    if created:
        listing = Listing(organisation=organisation, title=title)
        LISTING.start(listing, "draft", record=False)
        db.session.add(listing)
    for key, value in fields.items():
        if created or key not in _SET_ONCE:
            if getattr(listing, key, None) != value:
                setattr(listing, key, value)
    if LISTING.can_move(listing, "published"):
        LISTING.move(listing, "published")
    return listing


def load(councils: dict, owners: dict) -> int:
    """Create or refresh the demo catalogue; returns the number of listings in it.

    ``councils``: slug -> Council; ``owners``: role -> demo User (to attach the demo provider, PA and group).
    """
    slugs = list(councils)
    now = clock.now()
    published_at = now - timedelta(days=30)
    categories = list(TEMPLATES)
    # Providers and micro-providers: each works in one or two councils and offers several categories.
    for n, name in enumerate(PROVIDER_NAMES + MICRO_NAMES):
        kind = "provider" if n < len(PROVIDER_NAMES) else "micro_provider"
        served = [councils[slugs[n % 5]]] + ([councils[slugs[(n + 2) % 5]]] if n % 2 == 0 else [])
        if name == "Brightside Care":
            served = [councils["aldermoor"], councils["birchley"]]
        organisation = _org(name, kind, served, n)
        per_org = 10 if kind == "provider" else 4
        for k in range(per_org):
            category = categories[(n * 5 + k * 7) % len(categories)]
            options = TEMPLATES[category]
            title, summary, unit, (low, high), outcomes, delivery = options[(n + k) % len(options)]
            districts = [d for c in served for d in c.postcode_districts]
            # Every tenth listing was last confirmed over six months ago, to show "possibly out of date".
            confirmed = now - timedelta(days=200 if (n + k) % 10 == 0 else (n * 3 + k) % 60)
            _listing(
                organisation, title, kind="service", summary=summary, category=category, outcomes=outcomes,
                description=(f"{summary} {organisation.name} has offered this since {2012 + n % 12}. "
                             f"Examples: {taxonomy.categories()[category]['examples'] or 'ask us'}."),
                price_pence=_price(low, high, n + k), price_unit=unit, notice_hours=[24, 48, 72][k % 3],
                delivery_modes=delivery, areas=districts[k % len(districts):] + districts[:k % len(districts)],
                days=["mon", "tue", "wed", "thu", "fri"] + (["sat"] if k % 2 else []), times="9am to 5pm",
                accessibility_features=[["step_free", "accessible_toilet"], ["hearing_loop"], ["quiet_space", "easy_read"], []][k % 4],
                languages=organisation.languages, published_at=published_at - timedelta(days=n + k),
                last_confirmed_at=confirmed,
            )
    # Personal assistants and peer brokers, listed as people.
    for n, (first, last) in enumerate(PA_PEOPLE + PEER_BROKERS):
        is_pa = n < len(PA_PEOPLE)
        council = councils[slugs[n % 5]] if n else councils["aldermoor"]
        name = f"{first} {last}" + (" PA" if is_pa else " (peer broker)")
        if (first, last) == ("Paula", "Assistant"):
            name, council = "Paula Assistant PA", councils["aldermoor"]
        organisation = _org(name, "personal_assistant" if is_pa else "peer_broker", [council], n)
        skills = [PA_SKILLS[(n + i * 5) % len(PA_SKILLS)] for i in range(3)]
        title = (f"Personal assistant: {first}, {', '.join(skills[:2])}" if is_pa
                 else f"Peer broker: {first}, support planning from lived experience")
        listing = _listing(
            organisation, title, kind="person", category="personal-assistant" if is_pa else "support-planning",
            summary=(f"{first} is a personal assistant who can help with {', '.join(skills)}." if is_pa
                     else f"{first} helps you write your plan and find support, drawing on their own experience."),
            description="Self-employed; can work flexible hours by arrangement.",
            outcomes=["community", "relationships", "nutrition"] if is_pa else ["community", "relationships", "work_learning"],
            price_pence=_price(12, 16, n) + 50 if is_pa else _price(25, 40, n), price_unit="hour", notice_hours=24,
            delivery_modes=["home", "venue"] if is_pa else ["home", "online"], areas=council.postcode_districts[: 2 + n % 3],
            days=["mon", "wed", "fri"] if n % 2 else ["tue", "thu", "sat"], times="flexible",
            languages=["en"] + (["bsl"] if "British Sign Language" in skills else []),
            published_at=published_at - timedelta(days=n), last_confirmed_at=now - timedelta(days=n % 40),
        )
        db.session.flush()
        if listing.person is None:
            listing.person = PersonProfile(display_name=f"{first} {last[0]}.")
        listing.person.role = "personal_assistant" if is_pa else "peer_broker"
        listing.person.skills = skills
        listing.person.dbs_checked_on = date(2026, 1 + n % 9, 1 + n % 27)
        listing.person.references_available = True
        listing.person.lived_experience = None if is_pa else "I have used mental health services and managed my own personal budget."
        listing.person.availability = "Weekdays and some evenings"
    # Free community resources, owned by each council (moderated suggestions).
    for slug, how_many in COMMUNITY_PER_COUNCIL.items():
        council = councils[slug]
        for k in range(how_many):
            name, summary, join, repeats = COMMUNITY[k % len(COMMUNITY)]
            district = council.postcode_districts[k % len(council.postcode_districts)]
            title = f"{district} {name.lower()}" if k >= len(COMMUNITY) else f"{council.name.split()[0]} {name.lower()}"
            listing = _listing(
                None, title, council_id=council.id, kind="community", category="community-activities",
                summary=summary, description=f"{summary} Everyone is welcome.", outcomes=["community", "relationships"],
                price_pence=None, price_unit="session", delivery_modes=["venue"], areas=[district],
                venue_address=f"Community Centre, High Street, {district}", days=[["mon", "wed", "sat", "thu"][k % 4]],
                times="10am to 12 noon", how_to_join=join, published_at=published_at,
                last_confirmed_at=now - timedelta(days=k * 3), suggested_by_name="Demo data",
            )
            db.session.flush()
            if not listing.events:
                db.session.add(CommunityEvent(listing=listing, starts_on=date(2026, 9, 1 + k % 7), start_time="10:00",
                                              end_time="12:00", repeats=repeats))
    _attach_demo_owners(owners)
    _agreed_rates(councils["aldermoor"])
    # The regulated providers' CQC ratings arrive as real ones do: through the import of the CQC's directory.
    regulated = db.session.scalars(db.select(Organisation).where(Organisation.cqc_location_id.is_not(None))
                                   .order_by(Organisation.id)).all()
    cqc.import_directory(cqc.demo_directory(regulated).encode(), commit=False)
    db.session.flush()
    return db.session.scalar(db.select(db.func.count(Listing.id)))


def _attach_demo_owners(owners: dict) -> None:
    """The demo community group gets a free activity of its own."""
    group = db.session.scalar(db.select(Organisation).filter_by(name="Aldermoor Walking Group"))
    if group is not None:
        _listing(group, "Sunday strollers", kind="community", category="community-activities",
                 summary="A slow Sunday walk round the park for anyone who wants company.",
                 outcomes=["community", "relationships"], price_pence=None, price_unit="session",
                 delivery_modes=["venue"], areas=["SK4"], venue_address="Park gates, Heaton Road, SK4",
                 days=["sun"], times="11am", how_to_join="Meet at the park gates at 11am.",
                 published_at=clock.now() - timedelta(days=10), last_confirmed_at=clock.now())


def _agreed_rates(council) -> None:
    """Aldermoor has agreed rates, 5-10% below the public price, for a third of the paid listings it sees."""
    listings = db.session.scalars(
        db.select(Listing).join(OrganisationApproval, OrganisationApproval.organisation_id == Listing.organisation_id)
        .where(OrganisationApproval.council_id == council.id, OrganisationApproval.status == "approved",
               Listing.price_pence > 0).order_by(Listing.id)).all()
    for n, listing in enumerate(listings):
        if n % 3 == 0 and listing.agreed_price_for(council.id) is None:
            discount = 5 + n % 6
            db.session.add(CouncilPrice(listing=listing, council_id=council.id,
                                        price_pence=listing.price_pence * (100 - discount) // 100 // 50 * 50,
                                        note=f"Framework rate (demo: {discount}% below public)"))
