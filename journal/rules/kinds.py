"""The vocabularies of the journal: interaction kinds and their classes, stages,
channels, connection kinds. Plain data so every layer can share them."""

from dataclasses import dataclass

VALUE, REACTIVE, SALES, NEUTRAL = "value", "reactive", "sales", "neutral"
CLASSES = (VALUE, REACTIVE, SALES, NEUTRAL)
CLASS_LABELS = {VALUE: "Value given", REACTIVE: "Reactive", SALES: "Sales", NEUTRAL: "Other"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    klass: str


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("thank_you_card", "Thank-you card", VALUE),
        Kind("welcome_kit", "Welcome kit", VALUE),
        Kind("gift", "Gift", VALUE),
        Kind("article", "Article shared", VALUE),
        Kind("introduction", "Introduction made", VALUE),
        Kind("check_in", "Check-in", VALUE),
        Kind("feedback", "Feedback asked", VALUE),
        Kind("support", "Support / problem solved", REACTIVE),
        Kind("urgent", "Urgent need", REACTIVE),
        Kind("pitch", "Pitch", SALES),
        Kind("quote", "Quote", SALES),
        Kind("negotiation", "Negotiation", SALES),
        Kind("meeting", "Meeting", NEUTRAL),
        Kind("call", "Call", NEUTRAL),
        Kind("email", "Email", NEUTRAL),
        Kind("message", "Message", NEUTRAL),
        Kind("note", "Internal note", NEUTRAL),
    )
}


def kinds_of(klass: str) -> tuple[str, ...]:
    return tuple(k.key for k in KINDS.values() if k.klass == klass)


VALUE_KINDS = kinds_of(VALUE)
REACTIVE_OR_SALES_KINDS = kinds_of(REACTIVE) + kinds_of(SALES)
# An internal note is not contact with the customer.
CONTACT_KINDS = tuple(k for k in KINDS if k != "note")
# Reaching out that expects an answer; a run of these with no reply is a warning sign.
ASKING_KINDS = ("call", "email", "message")

OUT, IN = "out", "in"
DIRECTIONS = {OUT: "I reached out", IN: "They reached out"}

STAGES = {"prospect": "Prospect", "customer": "Customer", "former": "Former customer"}
CHANNELS = {"email": "Email", "phone": "Phone", "visit": "Visit", "letter": "Letter", "message": "Message"}

REFERRED, INTRODUCED, COLLEAGUE = "referred", "introduced", "colleague"
CONNECTION_KINDS = {
    REFERRED: "Referred (sent them to me)",
    INTRODUCED: "Introduced by me",
    COLLEAGUE: "Colleague",
}
# Introductions and colleagues go both ways; a referral has a direction.
SYMMETRIC_CONNECTIONS = (INTRODUCED, COLLEAGUE)

DEFAULT_CADENCE_DAYS = 90
