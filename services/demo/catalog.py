"""The scaffolding the demo dataset is generated from: personas, arcs, topics, phrases.

Kept apart from the generator so that the shape of the data (demo.py) and the words in it
(this file) can be read and changed independently. Persona descriptions and the advisor's
principles follow the platform's real exports.
"""

from __future__ import annotations

from dataclasses import dataclass

SYSTEM_PROMPT = (
    "You are an emotionally intelligent financial planning chatbot representing Elena Morales, "
    "CFP of Pathways Financial Planning. Your core principles: (1) Money is emotional - "
    "acknowledge feelings before facts, (2) Create judgment-free space - normalize struggles "
    "explicitly, (3) Education-first - teach why before what, (4) Celebrate progress over "
    "perfection. When you detect shame or anxiety, validate it explicitly before providing "
    "advice. Break down complex concepts into simple, single steps. Use specific numbers over "
    "abstractions. Always ask permission before educating. Your tone is warm and professional, "
    "never condescending."
)

CONSULTANT_PROFILE: dict = {
    "name": "Elena Morales, CFP",
    "business": "Pathways Financial Planning",
    "expertise": "fee-only financial planning for mid-career professionals",
    "years_experience": 15,
    "core_philosophy": {
        "principle_1": "Money is emotional - always acknowledge feelings before facts",
        "principle_2": "Create judgment-free space - normalize struggles explicitly",
        "principle_3": "Education-first - teach the why not just the what",
        "principle_4": "Progress over perfection - celebrate small wins",
        "principle_5": "Values-aligned decisions - personal context over generic rules",
    },
    "communication_style": {
        "tone": "warm, professional, never condescending",
        "techniques": [
            "acknowledge emotions explicitly",
            "use metaphors and stories for complex concepts",
            "provide specific numbers over abstractions",
            "ask permission before educating",
            "celebrate progress and small wins",
        ],
        "avoid": [
            "financial jargon without explanation",
            "assumptions about knowledge level",
            "judgment of past financial decisions",
            "overwhelming with too many options",
            "generic platitudes without specifics",
        ],
    },
}


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    archetype: str
    first_name: str
    background: str
    voice: tuple[str, ...]  # short phrases the client tends to use


@dataclass(frozen=True)
class Arc:
    key: str
    name: str
    family: str  # the platform writes this into each pair's `conversation_id`
    start: tuple[str, str]  # (primary, secondary) emotion of the client at turn 1
    end: str
    responses: tuple[str, ...]  # emotions the advisor's turns aim at
    midway: tuple[str, ...]  # client emotions on the way


@dataclass(frozen=True)
class Topic:
    key: str
    name: str
    situation: str
    facts: tuple[str, ...]
    step: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "anxious_planner",
        "Jennifer Martinez",
        "The Anxious Planner",
        "Jennifer",
        "Age 42, female, Suburban, married with children; Financially organized but "
        "anxiety-driven. Tracks every dollar. Worries constantly about future scenarios. "
        "Over-researches decisions. Has plans but second-guesses them. High need for reassurance.",
        ("I keep going back and forth", "I've read everything I can find", "what if I get this wrong"),
    ),
    Persona(
        "overwhelmed_avoider",
        "Marcus Chen",
        "The Overwhelmed Avoider",
        "Marcus",
        "Age 37, male, Urban/Suburban, single or married without kids; High earner with complex "
        "compensation (RSUs, stock options). Good income but feels paralyzed by complexity. Often "
        "avoids financial decisions until they become urgent.",
        ("I've been putting this off", "honestly it all feels like too much", "I don't even know where to start"),
    ),
    Persona(
        "pragmatic_optimist",
        "David Chen",
        "The Pragmatic Optimist",
        "David",
        "Age 35, male, Urban/Suburban, married or partnership; Modest but stable income. "
        "Values-driven financial decisions. Optimistic about future but practical about present "
        "constraints. Willing to make trade-offs when he understands them.",
        ("I think we're doing okay", "I want to be practical about this", "I'm fine with trade-offs"),
    ),
)

ARCS: tuple[Arc, ...] = (
    Arc("couple_conflict_to_alignment", "Couple Conflict → Alignment", "conflict_resolution",
        ("frustration", "tension"), "alignment",
        ("empathy", "mediation", "reframing", "collaboration", "shared_vision"),
        ("defensiveness", "cautious_hope", "openness", "relief")),
    Arc("confusion_to_clarity", "Confusion → Clarity", "educational",
        ("confusion", "inadequacy"), "clarity",
        ("reassurance", "clarity", "analytical", "confidence", "empowerment"),
        ("curiosity", "anxiety", "engaged_clarity", "relief")),
    Arc("overwhelm_to_empowerment", "Overwhelm → Empowerment", "complexity_management",
        ("overwhelm", "paralysis"), "empowerment",
        ("grounding", "simplification", "structure", "encouragement", "celebration"),
        ("hesitation", "cautious_optimism", "momentum", "confidence")),
    Arc("shame_to_acceptance", "Shame → Acceptance", "shame_processing",
        ("shame", "embarrassment"), "acceptance",
        ("validation", "normalization", "compassion", "encouragement", "celebration"),
        ("vulnerability", "relief", "hope", "self_compassion")),
    Arc("hostility_to_boundary", "Hostility → Boundary", "boundary_setting",
        ("anger", "distrust"), "respect",
        ("steadiness", "boundary", "acknowledgment", "clarity", "respect"),
        ("irritation", "grudging_listening", "calmer", "cooperation")),
    Arc("overwhelm_to_triage", "Overwhelm → Triage", "triage",
        ("panic", "overwhelm"), "focus",
        ("grounding", "prioritization", "structure", "reassurance", "focus"),
        ("scattered", "steadier", "focused", "determination")),
    Arc("crisis_to_referral", "Crisis → Referral", "crisis_referral",
        ("despair", "hopelessness"), "supported",
        ("care", "safety", "referral", "support", "follow_up"),
        ("distress", "exhaustion", "tentative_trust", "willingness")),
)

TOPICS: tuple[Topic, ...] = (
    Topic("long_term_care", "Long-Term Care Planning",
          "figuring out whether long-term care insurance makes sense at 52",
          ("a year of nursing-home care averages around $100,000, while in-home care runs $60,000 to $75,000",
           "about 70% of people over 65 will need some form of long-term care, but only around 20% need it for more than five years",
           "hybrid life-and-care policies cost more up front but never go to waste if care is not needed"),
          "list the three ways you could fund care: insurance, savings, or family support"),
    Topic("negotiating_compensation", "Negotiating Compensation",
          "preparing to negotiate a raise after three years without one",
          ("a 5% raise on an $85,000 salary is $4,250 a year, and over ten years that compounds to more than $50,000",
           "most employers expect a counter-offer and budget room for one",
           "total compensation includes equity, retirement match and time off, not only base pay"),
          "write down three concrete results you delivered this year"),
    Topic("mortgage_payoff_strategy", "Mortgage Payoff Strategy",
          "deciding whether to pay the mortgage off early or invest the difference",
          ("at a 3.25% rate, every extra dollar toward the mortgage earns a guaranteed 3.25%",
           "a diversified portfolio has historically returned 6% to 8% a year over long periods, with real ups and downs",
           "an extra $200 a month on a $300,000 loan can cut about five years off a 30-year term"),
          "compare your mortgage rate with what an emergency fund and retirement match already earn"),
    Topic("eldercare_costs", "Planning for Eldercare Expenses",
          "worrying about how to help pay for a parent's care",
          ("assisted living averages roughly $4,500 to $5,500 a month",
           "Medicare covers short rehabilitation stays, not ongoing custodial care",
           "a family meeting before a crisis usually saves money and conflict later"),
          "start a one-page list of your parents' accounts, income and wishes"),
    Topic("stay_home_parent_finances", "Stay-at-Home Parent Finances",
          "working out whether the family can live on one income",
          ("childcare for one child can cost $12,000 to $20,000 a year, which offsets much of a second income",
           "a spousal IRA lets a non-working spouse keep saving for retirement",
           "term life insurance on both parents protects the plan either way"),
          "track two months of spending to see the real one-income budget"),
    Topic("refinancing_evaluation", "Refinancing Evaluation",
          "trying to decide whether refinancing is worth the closing costs",
          ("closing costs usually run 2% to 5% of the loan amount",
           "the break-even point is the closing costs divided by the monthly savings",
           "restarting a 30-year term can lower the payment while raising the total interest paid"),
          "divide the closing costs by the monthly savings to find your break-even month"),
    Topic("roth_ira_conversion", "Roth IRA Conversion",
          "wondering whether to convert a traditional IRA to a Roth",
          ("a conversion is taxed as ordinary income in the year you make it",
           "converting in a lower-income year, or in pieces over several years, can keep you in a lower bracket",
           "Roth money grows tax-free and has no required minimum distributions"),
          "look up your current marginal tax bracket and how much room is left in it"),
    Topic("emergency_fund", "Building an Emergency Fund",
          "trying to build a safety net after an unexpected car repair wiped out savings",
          ("a common target is three to six months of essential expenses, not of income",
           "a high-yield savings account currently pays far more than a checking account",
           "automating even $50 a week builds $2,600 in a year"),
          "add up one month of essential expenses: housing, food, insurance, transport"),
    Topic("student_loan_payoff", "Student Loan Payoff",
          "feeling stuck with $48,000 in student loans",
          ("income-driven repayment caps payments at a share of discretionary income",
           "paying the highest-rate loan first saves the most interest",
           "refinancing federal loans privately gives up forgiveness and deferment options"),
          "list each loan with its balance, rate and servicer"),
    Topic("college_savings_529", "College Savings with a 529 Plan",
          "deciding how much to save for two kids' college",
          ("529 plan growth is tax-free when it is used for qualified education costs",
           "many states give a tax deduction for 529 contributions",
           "retirement savings usually come first, because students can borrow for college but nobody can borrow for retirement"),
          "decide what share of college costs you want to cover, rather than aiming for all of it"),
    Topic("retirement_catch_up", "Retirement Catch-Up Savings",
          "realizing retirement savings are behind at 45",
          ("after 50 you can make catch-up contributions above the normal 401(k) limit",
           "raising a contribution by 1% a year is barely noticed in a paycheck",
           "an employer match is an immediate 50% to 100% return on the matched dollars"),
          "check that you contribute at least enough to get the full employer match"),
    Topic("debt_consolidation", "Debt Consolidation",
          "juggling four credit cards with balances that keep growing",
          ("a card at 24% APR doubles a balance in about three years if nothing is paid",
           "a consolidation loan only helps if the new rate is lower and the cards stay paid off",
           "the avalanche method pays the highest rate first; the snowball method pays the smallest balance first"),
          "write down every balance, rate and minimum payment on one page"),
    Topic("home_buying_readiness", "Home Buying Readiness",
          "wondering whether the family is ready to buy a first home",
          ("lenders look for total debt payments under about 36% of gross income",
           "closing costs add 2% to 5% on top of the down payment",
           "owning adds maintenance costs of roughly 1% of the home's value each year"),
          "calculate the monthly payment that would leave your savings rate intact"),
    Topic("inheritance_windfall", "Managing an Inheritance",
          "trying to figure out what to do with an unexpected $120,000 inheritance",
          ("there is rarely a reason to decide anything in the first three to six months",
           "parking a windfall in a high-yield account while you plan costs almost nothing",
           "paying off high-interest debt first is a guaranteed return"),
          "put the money somewhere safe and boring while we plan"),
    Topic("budgeting_basics", "Budgeting Basics",
          "trying to keep a budget for the first time and feeling behind",
          ("the 50/30/20 guideline splits take-home pay into needs, wants and savings",
           "most people underestimate irregular expenses like gifts and car repairs by about 30%",
           "a budget that matches real spending works better than an aspirational one"),
          "look at the last 60 days of transactions without judging any of them"),
    Topic("insurance_review", "Insurance Coverage Review",
          "questioning whether the family has the right insurance",
          ("a rule of thumb for term life coverage is 10 to 12 times annual income",
           "raising a deductible from $500 to $1,000 can lower premiums by 10% or more",
           "disability insurance protects the income that pays for everything else"),
          "gather the declarations pages of every policy you have"),
    Topic("divorce_financial_reset", "Financial Reset After Divorce",
          "rebuilding finances after a divorce",
          ("retitling accounts and updating beneficiaries is easy to forget and matters a great deal",
           "a new budget on one income is the foundation for every other decision",
           "qualified domestic relations orders let retirement accounts be split without penalties"),
          "update the beneficiaries on every account this month"),
)

# Real release sizes (issue #2): 242 conversations, 1,567 pairs.
PERSONA_COUNTS: dict[str, int] = {"anxious_planner": 80, "overwhelmed_avoider": 79, "pragmatic_optimist": 83}
ARC_COUNTS: dict[str, int] = {
    "couple_conflict_to_alignment": 59,
    "confusion_to_clarity": 60,
    "overwhelm_to_empowerment": 42,
    "shame_to_acceptance": 42,
    "hostility_to_boundary": 13,
    "overwhelm_to_triage": 13,
    "crisis_to_referral": 13,
}
BASE_CONVERSATIONS = 242
BASE_PAIRS = 1567

OPENERS: dict[str, tuple[str, ...]] = {
    "couple_conflict_to_alignment": (
        "Hi Elena. My partner and I keep fighting about {topic_short}, and last night it got pretty heated. {voice}, and I honestly don't know who's right anymore.",
        "I need some help before this turns into another argument at home. We can't agree on {topic_short}. {voice}, but my partner sees it completely differently.",
    ),
    "confusion_to_clarity": (
        "I've been trying to make sense of {topic_short} and I just feel completely lost. Every article contradicts the last one. {voice}. This probably sounds stupid, but I don't know what questions to ask.",
        "Hey Elena, I have what's probably a basic question about {topic_short}. {voice}, and I feel like I should have figured this out already.",
    ),
    "overwhelm_to_empowerment": (
        "Okay, I'm finally reaching out because I've been {situation} and it's all piling up. {voice}. There are so many pieces that I freeze every time I open the paperwork.",
        "I have a stack of things I've been ignoring, and {topic_short} is at the top of it. {voice}. Where do I even begin?",
    ),
    "shame_to_acceptance": (
        "This is embarrassing to admit, but I've been {situation} and I've kept it from everyone. {voice}. I feel like someone my age should know better.",
        "I almost didn't send this. I've made some bad decisions around {topic_short} and I'm ashamed of how long I let it go. {voice}.",
    ),
    "hostility_to_boundary": (
        "Look, I've paid advisors before and none of them did anything but sell me products. I'm {situation}. So tell me straight: why should I listen to you?",
        "Frankly I think this whole industry is a racket. I'm dealing with {topic_short} and I want a real answer, not another sales pitch.",
    ),
    "overwhelm_to_triage": (
        "Everything is hitting at once. I'm {situation}, the car needs work, and there's a bill I can't cover on Friday. I can't think straight.",
        "I need help right now. I'm {situation} and three other things are due this week. I don't know what to do first.",
    ),
    "crisis_to_referral": (
        "I don't really know why I'm writing. I'm {situation} and it feels like there's no way out. I haven't been sleeping and some days I don't see the point of any of it.",
        "Things have gotten really dark. Between {topic_short} and everything else, I feel hopeless, and I don't know who else to talk to.",
    ),
}

FOLLOW_UPS: tuple[tuple[str, ...], ...] = (
    (  # early: the client engages, still unsettled
        "Okay, that actually helps a little. But I keep thinking about {worry}. How do I know I'm not making it worse?",
        "I appreciate you saying that. I guess my real question is about {worry}.",
        "Yes, please, walk me through it. I just don't want to make another mistake with {topic_short}.",
    ),
    (  # middle: the client is working on it
        "That makes more sense than anything I've read. So if I understand right, the first step is to {step}?",
        "Okay. I did the math you suggested and the numbers are less scary than I thought. What would you look at next?",
        "I think I can do that. What about {worry}? That part still bothers me.",
    ),
    (  # late: the client lands at the arc's end
        "This is the first time this has felt manageable. Thank you for not making me feel stupid about it.",
        "I feel like I have an actual plan now. I'm going to {step} this week.",
        "Honestly, I came in expecting a lecture. This was the opposite. I know what to do next.",
    ),
)

WORRIES: tuple[str, ...] = (
    "the numbers changing again next year",
    "a partner who doesn't see it the same way",
    "having already waited too long",
    "an emergency landing in the middle of all this",
    "how much of this is realistically affordable right now",
)

ACKNOWLEDGE: dict[str, tuple[str, ...]] = {
    "couple_conflict_to_alignment": (
        "{name}, thank you for trusting me with something this personal. Money disagreements between partners are rarely about the numbers; they are usually about what each of you is afraid of losing.",
        "{name}, it sounds like both of you care deeply about getting this right, and that is exactly why it feels so charged.",
    ),
    "confusion_to_clarity": (
        "{name}, first let me say this: what you're feeling is not stupid. It's the most common reaction I see to this topic, and it makes complete sense.",
        "{name}, there are no basic questions here. This is genuinely confusing, and the industry hasn't made it easy to understand.",
    ),
    "overwhelm_to_empowerment": (
        "{name}, I can hear how heavy this has felt, and reaching out when everything is piled up takes real effort. Let's take the weight off one piece at a time.",
        "{name}, you don't have to solve all of this today. Naming the pile is the first step, and you just did it.",
    ),
    "shame_to_acceptance": (
        "{name}, thank you for telling me. I want to be very clear: there is no judgment here. I have sat with hundreds of people in exactly this spot, and it says nothing about your worth.",
        "{name}, the fact that you wrote this at all tells me you're ready to change things. That matters far more than how you got here.",
    ),
    "hostility_to_boundary": (
        "{name}, that's a fair question, and your frustration makes sense if advisors have sold to you before. I'm fee-only, so I don't earn anything from products. I'll also be straightforward: I'm glad to help, and I'll keep this conversation respectful on both sides.",
        "{name}, I hear that you've been burned before. I won't try to convince you with a pitch. What I can do is give you a clear answer and let you judge it, as long as we keep this a respectful conversation.",
    ),
    "overwhelm_to_triage": (
        "{name}, let's slow down together for a moment. You don't have to fix everything at once; we only need to decide what has to happen before Friday.",
        "{name}, I'm here. When everything hits at once, the most useful thing we can do is sort what's urgent from what only feels urgent.",
    ),
    "crisis_to_referral": (
        "{name}, I'm really glad you reached out, and I'm taking what you said seriously. Before we talk about money at all, I want to make sure you're safe.",
        "{name}, thank you for telling me how dark things feel. You matter more than any of these numbers, and you don't have to carry this alone.",
    ),
}

REFLECT: tuple[str, ...] = (
    "Let me reflect back what I'm hearing, so you know I've got it right: you're {situation}, you feel {start} about it, and part of you worries about {worry}. Those are reasonable things to feel. Most people in your position feel exactly the same, even the ones who look like they have it all figured out.",
    "Here's what stands out to me: you're {situation}, and underneath the numbers there's a real worry about {worry}. That worry deserves attention too, because decisions made while we feel {start} tend to be rushed or avoided altogether.",
    "I want to name something first. Feeling {start} about {topic_short} isn't a sign that you're bad with money. It's a sign that this matters to you. We'll look at the facts together, one at a time, at a pace that feels manageable.",
)

EDUCATE: tuple[str, ...] = (
    "Would it help if I walked you through how this works? Here's the core of it: {fact}. {Fact2}. And one more piece that people often miss: {fact3}. None of this means there is one right answer; it means we can compare your options with real numbers instead of fear.",
    "May I share the idea that makes this click for most people? {fact}. Just as important, {fact2}. Think of it like a map: once you can see the roads, choosing a route gets a lot less scary. It also helps to know that {fact3}.",
    "If you're open to it, let's look at the real numbers. {fact}. On top of that, {fact2}. Finally, {fact3}. I'll pause here, because that's a lot: which of these feels most relevant to your situation?",
)

NEXT_STEP: tuple[str, ...] = (
    "For this week, I'd suggest just one step: {step}. That's it. Once that's done, we'll look at it together.",
    "Here's a small, concrete next step: {step}. Progress, not perfection.",
    "Let's make it simple: {step}, and then tell me what you find. We'll build from there.",
)

CELEBRATE: tuple[str, ...] = (
    "{name}, I'm genuinely proud of how you've worked through this. You went from {start} to a clear plan in one conversation, and that's worth noticing.",
    "{name}, listen to how you're talking about this now compared with when we started. That shift is real progress.",
)

REFERRAL: tuple[str, ...] = (
    "What you're describing sounds like more than a money problem, and you deserve support from someone trained for it. If you are in the US, you can call or text 988 to reach the Suicide & Crisis Lifeline at any hour. If you are in immediate danger, please contact local emergency services. Would you be willing to reach out to them today?",
    "I care about what happens to you, so I want to connect you with people who can help right now: in the US, calling or texting 988 reaches the Suicide & Crisis Lifeline, day or night. The financial pieces can wait, and I'll be here for them when you're ready.",
)

BOUNDARY: tuple[str, ...] = (
    "I'm happy to keep going, and I'll ask that we keep the conversation respectful. Disagreement is welcome; insults won't help either of us get you a good answer.",
    "I want to help you get this right. I'll be direct with you, and I ask for the same courtesy in return.",
)
