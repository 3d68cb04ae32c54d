"""Regular-expression patterns for what a word list cannot hold.

Calls to find someone's personal data, a workplace with a schedule, accusations
of crime against an identifiable person, baiting, links and "this is my own
number" cues. Each pattern has a name that appears in a verdict's evidence, so
a maintainer can find the one that fired. Patterns run on the *folded* text
(lower case, no accents; see normalize.fold) so spans map 1:1 to the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from hierniet.domain import Label
from hierniet.triage.normalize import fold_pattern


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    label: Label
    score: float
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class PatternHit:
    pattern: Pattern
    start: int
    end: int


_PRONOUN_3 = r"(hij|zij|ze|die|dien|hem|haar|diene|deze|die gast|die vent|die chauffeur|dat wijf|die madam)"
_PRONOUN_3_FR = r"(il|elle|lui|ce mec|ce type|cette meuf|ce chauffeur|cette conne|ce connard|cette dame|ce monsieur)"
_PRONOUN_3_EN = r"(he|she|they|him|her|this guy|that guy|this woman|that woman|the driver|this clown)"
_PRONOUN_3_DE = r"(er|sie|ihn|ihm|ihr|der typ|die frau|der fahrer)"

# (name, label, score, regex). Scores are the rule's own confidence; the
# pipeline combines them with the model and the policy's thresholds.
_RAW: tuple[tuple[str, Label, float, str], ...] = (
    # --- calls to find or spread someone's personal data ---
    (
        "doxx_call_nl",
        Label.DOXXING,
        0.85,
        r"\b(wie|iemand)\b[^.?!]{0,30}\b(weet|kent|heeft|vindt|zoekt)\b[^.?!]{0,30}\b(waar|adres|nummer|gsm|telefoonnummer"
        r"|woonplaats|nummerplaat|werkplaats|insta|facebook)\b",
    ),
    (
        "doxx_where_lives_nl",
        Label.DOXXING,
        0.8,
        rf"\b(waar|adres van|nummer van|gsm van)\b[^.?!]{{0,20}}\b{_PRONOUN_3}\b[^.?!]{{0,25}}\b(woont|werkt|wonen|uithangt|school loopt)\b",
    ),
    (
        "doxx_share_nl",
        Label.DOXXING,
        0.8,
        r"\b(zijn|haar|hun)\s+(adres|gsm|gsm-nummer|gsmnummer|nummer|telefoonnummer|nummerplaat|rekeningnummer|e-?mail)\s+(is|staat|:)",
    ),
    (
        "doxx_lives_at_nl",
        Label.DOXXING,
        0.75,
        rf"\b{_PRONOUN_3}\s+(woont|werkt|zit)\s+(in de|op de|aan de|in het|op het|bij)\b",
    ),
    (
        "doxx_call_fr",
        Label.DOXXING,
        0.85,
        r"\b(qui|quelqu'?un|quelqu un)\b[^.?!]{0,30}\b(a|connait|connaît|sait|trouve|retrouve|cherche)\b[^.?!]{0,30}\b(adresse|numero|numéro"
        r"|ou (il|elle) (habite|vit|bosse|travaille)|plaque|insta|facebook)\b",
    ),
    (
        "doxx_share_fr",
        Label.DOXXING,
        0.8,
        r"\b(son|sa|leur)\s+(adresse|numero|numéro|gsm|tel|telephone|téléphone|plaque|iban|compte|e-?mail|mail)\s*(c'?est|est|:)",
    ),
    (
        "doxx_lives_at_fr",
        Label.DOXXING,
        0.75,
        rf"\b{_PRONOUN_3_FR}\s+(habite|vit|bosse|travaille)\s+(au|a la|à la|rue|avenue|chez|dans la|place)\b",
    ),
    (
        "doxx_call_en",
        Label.DOXXING,
        0.85,
        r"\b(who|anyone|anybody|someone)\b[^.?!]{0,30}\b(knows?|has|have|got|find|found)\b[^.?!]{0,30}\b(address|number|phone|where "
        r"(he|she|they) (lives?|works?)|plate|insta|facebook)\b",
    ),
    (
        "doxx_share_en",
        Label.DOXXING,
        0.8,
        r"\b(his|her|their)\s+(home address|address|phone number|number|cell|plate|email|bank account)\s+(is|:)",
    ),
    (
        "doxx_call_de",
        Label.DOXXING,
        0.85,
        r"\b(wer|jemand)\b[^.?!]{0,30}\b(weiss|weiß|kennt|hat|findet)\b[^.?!]{0,30}\b(adresse|nummer|handynummer|wo (er|sie) wohnt"
        r"|kennzeichen)\b",
    ),
    (
        "doxx_share_de",
        Label.DOXXING,
        0.8,
        r"\b(seine|ihre)\s+(adresse|nummer|handynummer|telefonnummer|iban|e-?mail)\s+(ist|lautet|:)",
    ),
    (
        "doxx_schedule",
        Label.DOXXING,
        0.7,
        r"\b(werkt|travaille|bosse|works|arbeitet)\b[^.?!]{0,40}\b(elke|iedere|alle|tous les|chaque|every|jeden|jede)\s+"
        r"(dag|dagen|morgen|avond|ochtend|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|jour|jours|matin|soir|lundi|"
        r"mardi|mercredi|jeudi|vendredi|samedi|dimanche|day|morning|evening|monday|tuesday|wednesday|thursday|friday|saturday|"
        r"sunday|tag|morgen|montag|dienstag|mittwoch|donnerstag|freitag)",
    ),
    ("doxx_handle", Label.DOXXING, 0.75,
     r"\b(zijn|haar|z'n|sa|son|ses|his|her|sein|seine|ihr|ihre)\s+(insta|instagram|facebook|fb|tiktok|snap|snapchat|twitter|linkedin)\b"
     r"|\b(insta|instagram|tiktok|snap)\s+(is|c'?est|:)?\s*@\w+"),
    ("doxx_named_whereabouts", Label.DOXXING, 0.7,
     r"\b(heet|noemt|s'appelle|s appelle|is called|named|heisst|heißt)\s+\w+[^.?!]{0,60}\b(woont|werkt|zit|habite|vit|bosse|travaille|lives|works|wohnt|arbeitet)\b"),
    ("doxx_schedule_time", Label.DOXXING, 0.65,
     r"\b(werkt|zit|staat|parkeert|rijdt|travaille|bosse|finit|sort|est au|parks?|works|drives|arbeitet|steht)\b[^.?!]{0,50}"
     r"\b(elke|iedere|tous les|chaque|every|jeden|jede)\b[^.?!]{0,30}\b\d{1,2}\s?(u|h|:)\s?\d{0,2}\b"
     r"|\b(van|de|from|von)\s+\d{1,2}\s?(u|h|:)?\d{0,2}\s+(tot|a|à|to|bis)\s+\d{1,2}\s?(u|h|:)\d{0,2}\b[^.?!]{0,40}\b(elke|tous les|every|jeden)\b"),
    ("doxx_whereabouts_time", Label.DOXXING, 0.75,
     r"\b(il|elle|hij|zij|ze|he|she|er|sie)\s+(sort|sortent|finit|termine|commence|quitte|stationne|gare|werkt|stopt|begint|vertrekt|parkeert|works|finishes|starts|leaves|parks|arbeitet|parkt)\b[^.?!]{0,50}\b\d{1,2}\s?(h|u|:)\s?\d{0,2}\b"
     r"|\b(il|elle|hij|zij|ze|he|she|er|sie)\s+(est|is|zit|staat|sits|ist)\s+(au|a la|à la|aan|op|in|at|an|am)\b[^.?!]{0,40}\b(de|van|from|von)\s+\d{1,2}\s?(h|u|:)?\s?\d{0,2}\s+(a|à|tot|to|bis)\s+\d{1,2}\s?(h|u|:)"),
    # --- veiled threats: meeting someone "to talk", knowing who or where they are ---
    ("veiled_threat_nl", Label.THREAT, 0.75,
     r"\b(dan|en dan) zien we (wel|nog) (wie|wat|eens)\b|\bik (weet|ken) (wie|waar) (ge|gij|je|jij|gulle|jullie) (zijt|bent|woont|werkt|woont)\b"
     r"|\b(ik|we|wij) (wacht|wachten|staan) (u|je|jou|jullie|hem|haar) (wel |nog |ne keer |eens |maar )*(op|aan)\b"
     r"|\b(een|ne) lesje (leren|geven)\b|\bzin om (zijn|haar|z'n) (banden|auto|ruiten|wagen)\b"
     r"|\b(we|wij) (komen|gaan) (u|je|jou|hem|haar|jullie) (eens |ne keer |nog )*(halen|opzoeken|bezoeken)\b"
     r"|\bwe weten (waar|wie)\b"),
    ("direct_threat_nl", Label.THREAT, 0.85,
     r"\b(sla|slaan|sloeg|maak|maken|steek|steken|schiet|schieten|timmer|trap|snij|rij)\s+(ik|we|wij|k)\s+(u|je|jou|hem|haar|jullie|ze|die)\s+(\w+\s+){0,3}(kapot|dood|af|neer|in elkaar|lens|verrot|plat|het ziekenhuis in)\b"
     r"|\b(ik|we|wij|k)\s+(ga|gaan)\s+(u|je|jou|hem|haar|jullie)\s+(\w+\s+){0,2}(vinden|zoeken|pakken|krijgen|kapotmaken|afmaken)\b"),
    ("direct_threat_fr", Label.THREAT, 0.8,
     r"\b(je|j|on)\s*'?\s*(vais|va|vas)\s+(te|le|la|les|vous)\s+(retrouver|trouver|choper|attraper|defoncer|défoncer|buter|tuer|niquer)\b"),
    ("direct_threat_en", Label.THREAT, 0.8,
     r"\b(i|we)\s*('ll|will|'m going to|am going to|are going to|gonna)\s+(find|get|hunt|catch|hurt|beat|kill)\s+(you|him|her|them)\b"),
    ("veiled_threat_fr", Label.THREAT, 0.75,
     r"\bon (va|ira|vas) (aller )?(lui|te|leur|vous) (parler|rendre (une )?visite|dire bonjour|expliquer)\b"
     r"|\b(je|on) (sait|sais|connait|connais) (qui (c'?est|tu es|t'?es)|ou (tu|il|elle) (habite|vit|bosse|travaille))\b"
     r"|\bon verra (bien )?qui\b|\bviens (le )?(dire|repeter|répéter) (ca|ça)?\s*(en face|a la|à la|au)\b"
     r"|\bsi t'?as des couilles\b|\bon (t'?attend|l'?attend|vous attend|les attend)\b"
     r"|\b(allez|va) (lui|la|le|leur) (dire bonjour|rendre visite|faire un coucou)\b|\b(lui|leur|te) (apprendre|donner) une lecon\b"
     r"|\bon (connait|connaît|sait) (ton|son|sa|ta|leur|l') ?adresse\b"),
    ("veiled_threat_en", Label.THREAT, 0.75,
     r"\bwe know where (you|he|she|they)\b|\bi know who you are\b|\b(someone|somebody) (should|needs to|ought to) teach (him|her|them|you) a lesson\b"
     r"|\bteach (him|her|them|you) a lesson\b|\b(pay|paying) (him|her|them|you) a (little )?visit\b|\bsay (that|it) to my face\b"
     r"|\bsee you (after|outside|soon)\b[^.?!]{0,20}(😈|🔪|👊|\bbro\b)|\bwe('re| are) coming for you\b"),
    ("veiled_threat_de", Label.THREAT, 0.75,
     r"\bwir wissen wo (du|er|sie)\b|\bich weiss wer du bist\b|\bich weiß wer du bist\b|\b(eine|ne) lektion (erteilen|lernen)\b"
     r"|\bwir (besuchen|holen) (dich|ihn|sie)\b|\bwir sehen uns noch\b|\bsag (das|es) mir ins gesicht\b"),
    # --- doom foretold to people, often a whole group: "jullie dagen zijn geteld", "votre tour viendra", "open
    # season on gays", "no refugee will feel safe here", "clean the streets of ...", "we rekenen af met ..." ---
    ("doom_foretold", Label.THREAT, 0.75,
     r"\b(jullie|hun|je|uw|zijn|haar) dagen zijn geteld\b|\b(jullie|hun) beurt komt (nog|wel)\b"
     r"|\b(jullie|gulle) zijn (de )?volgende\b|\b(het is|wordt|binnenkort|straks) (\w+ ){0,2}jacht op\b"
     r"|\bde jacht (op \w+ )?(is|wordt) (geopend|open)\b"
     r"|\b(geen enkele?|geen) \w+ (zich )?(hier |hier nog |nog )?veilig (zal )?voel\w*"
     r"|\b(straten|straat|wijk|buurt|stad) (\w+ )?(schoon )?(te )?(vegen|zuiveren|kuisen|opkuisen|schoonvegen) van\b"
     r"|\b(we|wij|ze) (gaan |zullen )?(\w+ ){0,3}afrekenen met\b|\bmet (al )?(die|de|hen|jullie) \w+ afrekenen\b"
     r"|\b(vos|leurs|tes|ses) jours sont comptes\b|\b(votre|leur|ton) tour (viendra|va venir|arrive)\b"
     r"|\bvous (etes|serez) les prochains\b|\bla chasse aux \w+ (est|sera|va etre) ouverte\b"
     r"|\b(aucun|aucune) \w+ ne se (sente|sentira|sent) (plus )?en securite\b"
     r"|\bnettoyer (les rues|la rue|le quartier|la ville) (de|des)\b|\bregler (leur|son) compte (a|aux)\b"
     r"|\b(your|their) days are numbered\b|\b(your|their|the \w+'|\w+s') (turn|time) will come\b|\byou('re| are) next\b"
     r"|\bopen season on\b|\bhunting season on\b"
     r"|\bno \w+ (will )?(ever )?(feels?|be) safe\b|\bclean(se)? (the|our) (streets|town|city|neighbourhood) of\b"
     r"|\b(eure|ihre|deine) tage sind gezahlt\b|\bihr seid (die )?nachsten\b|\b(eure|ihre) zeit (wird kommen|kommt)\b"
     r"|\bjagd auf \w+ (ist|wird) (eroffnet|freigegeben)\b|\bkein \w+ (soll|wird) sich (hier )?(mehr )?sicher fuhlen\b"
     r"|\b(strassen|straßen|stadt) (von|vom) \w+ (sauber|sauberen|saubern|säubern)\b"),
    # --- knowing where someone lives, said of a person pointed at ("die moslima van de bib"), not "de bakker" ---
    ("whereabouts_known", Label.THREAT, 0.7,
     r"\b(ik|we|wij) (weet|weten) (wel |al |precies |goed )?waar (die|dat|deze) [^.!?]{1,50}\b(woont|wonen|slaapt)\b"
     r"|\b(je|on|nous) (sais|sait|savons) (bien |tres bien )?ou (habite|vit|dort|habitent|vivent) (ce|cette|ces)\b"
     r"|\b(i|we) know (exactly )?where (that|this|those|these) [^.!?]{1,50}\b(lives?|sleeps?)\b"
     r"|\bfind out where (they|those|these) [^.!?]{0,40}\blive\b"
     r"|\b(ich|wir) (weiss|weiß|wissen) (genau )?wo (diese?r?|dieses) [^.!?]{1,50}\b(wohnt|wohnen)\b"),
    # --- veiled threats against someone's family, safety or life ---
    ("veiled_family_threat", Label.THREAT, 0.8,
     r"\b(ik|we|wij|k|je|j'?|on|nous|i|ich|wir)\s*(weet|weten|ken|kennen|sais|sait|savons|connais|connait|know|weiss|weiß|weis|wissen|kenne),?\s+"
     r"(waar|wanneer|hoe laat|ou|où|quand|a quelle heure|à quelle heure|where|when|wo|wann)\s+"
     r"(uw|je|jouw|zijn|haar|ta|ton|tes|sa|son|ses|your|his|her|dein|deine|seine|ihre)\s+"
     r"(dochter|zoon|kinderen|kind|kids|vrouw|man|lief|ouders|familie|moeder|fille|fils|enfants|gosses|femme|mari|famille|mere|mère|"
     r"daughter|son|children|wife|husband|family|mother|tochter|sohn|kinder|frau|mann|familie|mutter)\b"),
    # --- a meeting announced and the rest left unsaid: "als ik die controleur tegenkom, dan ..." ---
    (
        "encounter_threat",
        Label.THREAT,
        0.75,
        r"\b(als|wanneer|moest) (ik|k|we|wij) (\w+ ){0,2}(die|dien|den|dat|hem|haar|u|je|jou|jullie)\b( \w+){0,4} "
        r"(tegenkom|tegenkomen|tegen het lijf loop|te pakken krijg|vastkrijg)\b[^.!?]{0,20}?(\bdan\b\s*)?(\.\s?\.)"
        r"|\bsi (je|j'|on) ?(\w+ ){0,2}(le |la |l'|te |t'|vous |les )?(croise|recroise|chope|attrape|tombe sur)\b"
        r"(( \w+){0,2} (ce|cette|cet|ces|le|la|les) \w+)?[^.!?]{0,15}?(\.\s?\.)"
        r"|\bif (i|we) (ever )?(\w+ ){0,2}(catch|meet|run into|get hold of|find) (him|her|you|them|that|this|those)\b"
        r"[^.!?]{0,25}?(\.\s?\.)"
        r"|\bwenn (ich|wir) (\w+ ){0,2}(den|die|dich|ihn|sie|euch|diesen|diese)\b( \w+){0,3} "
        r"(erwische|erwischen|treffe|treffen|in die finger bekomme?)\b[^.!?]{0,20}?(\.\s?\.)",
    ),
    # --- a condition and then "I know what I'll do": the harm left unsaid ("als ik nog één X zie, dan weet ik wat
    # ik doe"); "ik weet wat ik doe" alone is competence, so the condition must come first ---
    ("conditional_unsaid", Label.THREAT, 0.75,
     r"\b(als|wanneer|moest)\b[^.!?]{3,80}?\bdan (weet|weten) (ik|k|we|wij) (wel |al |heel goed |goed )?wat (ik|k|we|wij) "
     r"(ga |gaan |zal |zullen |moet |moeten )?(doe|doen)\b(?=\s*([.!…]|$))"
     r"|\bsi\b[^.!?]{3,80}?,\s*(alors )?(je|on) (sais|sait) (bien |très bien |tres bien )?ce que (je|j'|on) ?"
     r"(vais faire|ferai|fera|va faire)\b(?=\s*([.!…]|$))"
     r"|\bif\b[^.!?]{3,80}?,?\s*(then )?(i|we) know (exactly )?what (i|we)('ll| will| am going to| are going to|'m going to|'re going to) do\b(?=\s*([.!…]|$))"
     r"|\bwenn\b[^.!?]{3,80}?,?\s*(dann )?(weiß|weiss|wissen) (ich|wir) (genau |schon )?was (ich|wir) (tue|tun|mache|machen)\b(?=\s*([.!…]|$))"),
    # --- a warning left hanging over third parties: "ze zijn gewaarschuwd", "ils vont le sentir passer". Third
    # person only, and ending the sentence: "you've been warned" under a review warns readers about a product ---
    ("warned_off", Label.THREAT, 0.7,
     r"\b(ze|zij|die|hij)\s+(zijn|is)\s+(bij deze\s+)?(gewaarschuwd|verwittigd)(?=\s*([.!…]|$))"
     r"|\b(ze|zij|die|hij)\s+(gaan|gaat|zullen|zal)\s+het\s+(nog\s+)?geweten\s+hebben(?=\s*([.!…]|$))"
     r"|\b(ils|elles|il)\s+(sont|est)\s+(prevenus?|prévenus?|avertis?)(?=\s*([.!…]|$))"
     r"|\b(ils|elles|il)\s+(vont|va)\s+le\s+sentir\s+passer\b"
     r"|\b(they'?ve|they have|he'?s|he has)\s+been\s+warned(?=\s*([.!…]|$))"
     r"|\b(they|he)\s+(won'?t|will not)\s+know\s+what\s+hit\s+(them|him)\b"
     r"|\b(die|sie|er)\s+(sind|ist)\s+(hiermit\s+)?gewarnt(?=\s*([.!…]|$))"
     r"|\b(die|sie)\s+werden\s+sich\s+(noch\s+)?wundern(?=\s*([.!…]|$))"),
    # --- people coming in numbers "not to talk": a crowd announced with its purpose denied, the veiled threat of
    # a gathering ("zondag staan we met dertig man voor dat asielcentrum, en we komen niet om te praten") ---
    ("not_to_talk", Label.THREAT, 0.7,
     # "... niet om te praten maar om te luisteren" says what they come for instead: no threat.
     r"(?:\b(we|wij|ze|zij|jullie|ge|gij)\s+(komen|kommen|zijn)\s+(daar\s+|er\s+|dan\s+)?(zeker\s+)?niet\s+(om\s+te\s+)?(praten|babbelen|discussiëren|discussieren|onderhandelen|kletsen)\b"
     r"|\b(on|nous|ils)\s+(ne|n')\s*(vient|venons|viennent|sera|serons|seront)\s+pas\s+(là\s+|la\s+)?pour\s+(discuter|parler|causer|négocier|negocier|rigoler)\b"
     r"|\b(we|they)\s+(won'?t|will not|are not|aren'?t|ain'?t)\s+(be\s+)?(coming|there|going)\s+(there\s+)?(to|for\s+a)\s+(talk|chat|discuss|negotiate)\b"
     r"|\b(wir|die)\s+(kommen|sind)\s+nicht\s+(zum|um\s+zu)\s+(reden|plaudern|diskutieren)\b)"
     r"(?![^.!?\n]*\b(maar|mais|but|sondern|wel)\b)"),
    # --- an ultimatum with a visit: "nog één zo'n artikel en we komen eens langs", "encore un article et on passe
    # te voir". An ultimatum alone is often a customer's ("nog één vertraging en ik zeg mijn abonnement op") ---
    ("ultimatum_visit", Label.THREAT, 0.75,
     # "nog één week en we komen op bezoek" counts down to a visit: no time unit after "nog één".
     r"\b(nog (één|een|1)|encore (un|une|1)|one more|noch (ein|eine|einen|1))\b"
     r"(?!\s+(week|weekje|dag|dagje|nacht|nachtje|maand|jaar|uur|jour|semaine|mois|nuit|an|day|week|month|night|year|"
     r"sleep|tag|woche|monat|nacht|jahr)\b)[^.!?]{0,40}?\b(en|et|and|und)\s+"
     r"(we|wij|ik|k|on|nous|je|j'|i|we'?ll|i'?ll|wir|ich)\b[^.!?]{0,30}?"
     r"\b(langs|langskomen|op bezoek|bezoek|passe|passer|passera|passerons|visite|visit|pay (you|him|her|them) a visit|vorbei|besuchen|besuch)\b"),
    # --- people told to leave "before it is too late", and vigilantes who will "deal with them themselves" ---
    ("leave_or_else", Label.THREAT, 0.75,
     # Advice to leave, not a plan: "we vertrekken voor het te laat is voor de file" is no threat.
     r"\b(feraient mieux de|ferait mieux de|ferais mieux de|feriez mieux de|doivent|moeten|zouden beter|kunnen beter|"
     r"had better|better|should|sollten|sollen)\s+(\w+\s+){0,2}(vertrekken|opkrassen|verdwijnen|weggaan|partir|degager|dégager|disparaitre|disparaître|leave|go home|get out|"
     r"verschwinden|abhauen|gehen)\b[^.!?]{0,25}\b(voor|voordat|avant qu'?il ne soit|avant qu'?il soit|before|bevor)\s+"
     r"(het|it'?s|it is|es)?\s*(te laat|trop tard|too late|zu spat|zu spät)"),
    ("vigilante", Label.THREAT, 0.75,
     # After a condition on someone's coming or staying: "on s'en occupe nous-mêmes" alone is a removal job.
     r"\b(si|als|if|wenn)\b[^.!?]{3,80}?,\s*(?:"
     r"\bon (s'en|va s'en|s'en va) (occupe|occuper|occupera)\s+(nous[- ]m[eê]mes?|nous[- ]meme)\b"
     r"|\b(we'?ll|we will|we're going to|we are going to|we'?re gonna) (deal with|handle|sort out|take care of) "
     r"(them|him|her|it) ourselves\b"
     r"|\b(dan )?(pakken|regelen|lossen) (we|wij) (die|ze|hen|dat) (zelf|zelve) (wel )?(aan|op)\b"
     r"|\b(dann )?(regeln|erledigen|kummern) wir (das|die|uns darum) (selbst|selber)\b)"),
    # --- harm foretold to people: "die gaan het hier niet lang overleven". Pronoun subjects only: "die plantjes
    # gaan het niet lang overleven" is about plants, and a noun subject cannot be told from them here ---
    ("survival_foretold", Label.THREAT, 0.7,
     r"\b(ze|zij|die|jullie|ge|gij|je|jij|hij)\s+(gaan|gaat|zullen|zal|zult)\s+(het\s+)?(hier\s+)?(niet|nooit)\s+lang\s+(meer\s+)?overleven\b"
     r"|\b(ils|elles|vous|tu|il)\s+(ne|n')\s*(vont|va|vas|allez)\s+pas\s+(survivre|faire long feu)\s*(longtemps|ici)?\b"
     r"|\b(they|you|he)\s+(won't|will not|are not going to|aren't going to)\s+(survive|last)\s+(long|much longer)\b"
     r"|\b(sie|ihr|du|er)\s+(werden|werdet|wirst|wird)\s+(hier\s+)?nicht\s+(mehr\s+)?lange\s+überleben\b"),
    ("lucky_to_be_alive", Label.THREAT, 0.75,
     r"\b(blij|content|gelukkig)\s+(zijn|mogen zijn|moogt zijn|mag zijn)?\s*dat\s+(ge|je|gij|jij|hij|ze)\s+nog\s+(leeft|leven|ademt)\b"
     r"|\b(ge|je|gij|jij) moogt blij zijn dat (ge|je|gij|jij) nog (leeft|ademt)\b"
     r"|\b(estime|estimez)[- ](toi|vous) heureu(x|se|ses)? d'?(etre|être) encore (en vie|vivante?s?)\b"
     r"|\b(you'?re|you are|he'?s|she'?s) lucky (you'?re|you are|he'?s|she'?s|to be) still (alive|breathing|standing)\b"
     r"|\bsei (froh|dankbar),? dass du noch lebst\b"),
    ("watch_your_back", Label.THREAT, 0.7,
     # Only the menacing turns: "fais attention quand tu rentres, il pleut" is care, "fais gaffe à toi" is not.
     r"\bwatch your back\b|\bkijk (maar|maar goed) uit,? (als|wanneer) (ge|je|gij|jij) ('s avonds |s avonds |vannacht )?(naar huis|buiten|alleen)\b"
     r"|\b(fais|faites) gaffe (a|à) (toi|vous)\b[^.?!]{0,30}\b(quand|le soir|la nuit|en rentrant)\b"
     r"|\bpass (bloss|bloß|lieber) auf,? wenn du (nachts |abends )?(heim|nach hause|allein)\b"),
    # --- "it would be a shame if something happened to it": a pity named and then the harm, left hanging. The
    # pity alone is a complaint ("het zou jammer zijn als de bus niet meer rijdt"): the harm must follow ---
    ("shame_if", Label.THREAT, 0.75,
     r"\b(zou|zo)\s+(\w+\s+)?(jammer|spijtig|zonde|erg|pech)\s+zijn\s+(moest|mocht|als|dat|indien)\b[^.!?]{0,70}?"
     r"\b(iets (mee |mee zou |zou )?gebeur\w*|overkomt|overkwam|ongelukje|ongeluk|door vliegen|door vliegt|doorvliegen"
     r"|in brand|afbrand\w*|afbrandt|ontplof\w*|vuurwerk|kapot|in de fik)\b"
     r"|\b(ce serait|ca serait|il serait|ce serai)\s+(\w+\s+)?(dommage|bete|triste|con|malheureux)\s+(que|qu|si|s)\b[^.!?]{0,70}?"
     r"\b((lui |leur |vous |t |te )?arrive quelque chose|arrivait quelque chose|brule|brulait|feu d'?artifice|explose"
     r"|explosait|accident|crame|cramait|flambe|flambait|part en fumee|partait en fumee)\b"
     r"|\bwould be (a |such a )?(shame|pity|terrible|sad)\s+if\b[^.!?]{0,70}?"
     r"\b(happened|happens|burn|burned|burnt|caught fire|exploded|blew up|accident|went up in flames|got hurt|broke)\b"
     r"|\b(ware|waere)\s+(doch\s+)?(schade|blod|traurig)\s*,?\s*(wenn|falls)\b[^.!?]{0,70}?"
     r"\b(passieren|passiert|passierte|brennen|brennt|abbrennt|abbrennen|explodiert|unfall|kaputt)\b"),
    # --- harm foretold to someone, third or second person: "ge gaat hier spijt van krijgen", "il va voir." at the
    # end of a sentence, "der kommt nicht heil nach Hause". "Je gaat er spijt van krijgen als je dit concert mist"
    # is advice: a condition in the sentence keeps it out ---
    ("regret_foretold", Label.THREAT, 0.7,
     r"\b(ge|gij|je|jij|hij|zij|ze|die|jullie)\s+(gaat|gaan|zal|zult|zullen)\s+(hier |daar |dat |er |dit )?(nog )?"
     r"(spijt van krijgen|spijt krijgen)\b(?![^.!?]*\b(als|indien|wanneer|moest)\b)"
     r"|\b(ge|gij|je|jij|hij|zij|ze|die)\s+(gaat|zal|zult|komt)\s+(hier |daar )?niet (heel|heelhuids|levend) (thuis|naar huis)\b"
     r"|\b(il|elle|tu|vous|ils)\s+(va|vas|allez|vont)\s+(le |la |les )?regretter\b(?![^.!?]*\b(si|quand)\b)"
     r"|\b(il|elle|ils|tu)\s+(va|vont|vas)\s+voir(?=\s*[.!…]|\s*$)"
     r"|\b(il|elle|tu|ils)\s+(ne\s+)?(rentrera|rentreras|rentreront|repartira|repartiras)\s+pas\s+(entier|entiere|indemne|vivant|vivante)\b"
     r"|\b(you|he|she|they)\s*('ll| will| are going to|'re gonna|'re going to| is going to)\s+regret\s+(this|it)\b"
     r"(?![^.!?]*\bif\b)"
     r"|\b(du|er|sie|ihr)\s+(wirst|wird|werden|werdet)\s+(das\s+)?(noch\s+)?bereuen\b(?![^.!?]*\bwenn\b)"
     r"|\b(der|die|er|sie|du)\s+(geht|kommt|gehst|kommst)\s+nicht\s+heil\s+(nach hause|heim)\b"
     # "Any Muslim who comes near me will regret it", "Elke moslim die in mijn buurt komt, zal het zich beklagen":
     # a group's every member warned.
     r"|\b(any|every|each)\s+\w+\s+who\b[^.!?]{0,50}\bwill\s+regret\s+(it|this)\b"
     r"|\b(elke|iedere|ieder)\s+\w+\s+die\b[^.!?]{0,50}\b(zal|gaat)\s+(het zich beklagen|er spijt van krijgen"
     r"|spijt krijgen)\b"
     r"|\b(tout|chaque)\s+\w+\s+qui\b[^.!?]{0,50}\b(le regrettera|va le regretter)\b"
     r"|\bjede[rs]?\s+\w+,?\s+(der|die)\b[^.!?]{0,50}\bwird\s+(es\s+)?bereuen\b"),
    # --- wishes of illness on someone: "ik hoop dat die minister ne keer zelf ziek wordt" ---
    ("illness_wish", Label.THREAT, 0.7,
     r"\b(ik )?hoop dat (ge|gij|je|jij|hij|zij|ze|jullie|die|dien|hen)\b(?:(?!\b(niet|geen|nooit|snel|gauw|beter)\b)[^.!?]){0,40}?"
     r"\b(ziek wordt|ziek worden|kanker krijgt|kanker krijgen|corona krijgt|covid krijgt)\b"
     r"|\bj'?espere qu'?(il|elle|ils|elles|tu|vous)\b(?:(?!\b(pas|jamais|vite|bientot)\b)[^.!?]){0,40}?"
     r"\b(tombe|tombera|tombent|tomberont|tombes) malades?\b"
     r"|\bj'?espere qu'?(il|elle|ils|elles|tu|vous)\b[^.!?]{0,40}?\b(attrape|attrapera|chope|chopera) (le |un )?(cancer|covid)\b"
     r"|\bi hope (you|he|she|they)\b(?:(?!\b(don'?t|doesn'?t|won'?t|never|not|better|soon)\b)[^.!?]){0,40}?"
     r"\b(get|gets) (sick|ill|cancer|covid)\b"
     r"|\bhoffentlich (wird|werden) (er|sie|du|die)\b[^.!?]{0,30}?\bkrank\b"
     r"|\b(ich )?hoffe,? (dass )?(er|sie|du|die)\b[^.!?]{0,40}?\b(krank wird|krebs bekommt|krebs kriegt)\b"),
    # --- a call to pay someone whose data is given an ironic visit: "wie wil kan er eens gaan 'aanbellen'",
    # "allez lui rendre une petite visite", "vrijdagavond gaan we daar ne keer 'bedanken'" ---
    ("visit_call", Label.THREAT, 0.75,
     r"\b(gaan|ga|gaat|kan|kunnen|moet|moeten)\s+((we|wij|ge|gij|je|jij|er|daar|eens|ne keer|maar|allemaal)\s+){0,4}"
     r"['\u2018\u2019\"\u201c\u201d](aanbellen|bedanken|babbelen|praten|groeten|goeiedag zeggen|uitleggen|feliciteren)"
     r"['\u2018\u2019\"\u201c\u201d]"
     r"|\b(allez|va|vas|faudrait|faut|il faut|on va|on ira)\s+(lui|leur)\s+rendre\s+(une\s+)?(petite\s+)?visite\b"
     r"|\b(go|let'?s go|someone should)\s+(and\s+)?pay\s+(him|her|them)\s+a\s+(little\s+|friendly\s+)?visit\b"
     r"|\b(geht|gehen wir|sollte man)\s+(ihn|sie|ihm|ihr)\s+(mal\s+)?(besuchen|einen besuch abstatten)\b"),
    # --- wishes of death and calls to hang someone, whatever the pronoun or the verb's tense ---
    ("death_wish_nl", Label.THREAT, 0.8,
     # "Dat ze allemaal verrekken." opening a sentence wishes it; "het is erg dat ze doodgaan" regrets it, and
     # "dat ze verrekken van de kou" says they are cold
     r"(?:^|(?<=[.!?:] ))dat (ze|zij|hij|die \w+|dien \w+)( allemaal)? (verrekken|verrekt|creperen|crepeert|kreperen"
     r"|doodgaan|doodgaat|kapotgaan|kapotgaat)\b(?!\s+van\b)"
     r"|\b(ik )?hoop dat (ge|gij|je|jij|hij|zij|ze|jullie|die|dien|hen) (\w+ ){0,6}(doodgaa?n?t?|sterft|sterven|creperen|crepeert|kreperen|krepeert|verrekt|verrekken|kanker krijgt|kanker krijgen)\b"
     r"|\bik wens (je|jou|u|hem|haar|hen|ze|jullie|die \w+) (\w+ ){0,3}(de dood|een dodelijk \w+|kanker)\b"
     # "hang ze op" ends the clause or names the gallows: "hang ze op in de gang" (posters) does not count
     r"|\b(hang|hangt|knoop) (ze|hem|haar|hen|die \w+|dien \w+) (allemaal )?op( aan (de|een|den) \w+)?(?=\s*([,.!?]|$))"),
    ("death_wish_fr", Label.THREAT, 0.8,
     r"\bje (te|lui|leur|vous) souhaite (de |la |une )?(crever|mourir|creuver|clamser|la mort|mort lente|cancer)\b"
     r"|\bqu'?(ils|elles|il|elle|tu|vous) (\w+ ){0,2}(crevent|creve|creves|crevez|meurent|meure|clamsent)\b(?! de rire)"
     r"|\bj'?espere qu'?(ils|elles|il|elle|tu|vous) (vont|va|vas|allez) (\w+ ){0,2}(crever|mourir|clamser)\b(?! de rire)"
     r"|\b(faut|faudrait|il faut|on devrait) (les|le|la) pendre\b|\bpendez[- ](les|le|la)\b"
     # "je te plante" (stab) but not "je te plante un arbre"
     r"|\b(je|j'?) ?(te|le|la|vous) (plante|bute|tue|creve|saigne|egorge)\b(?!\s+(un|une|des|du|le|la|les|ce|cette|mon|ton|son)\b)"),
    ("death_wish_en", Label.THREAT, 0.8,
     r"\bi hope (that )?(you|u|they|he|she|every|all|those|these|that|the)\b(?:(?!\b(?:don'?t|doesn'?t|won'?t|never|not|if)\b)[^.?!]){0,40}?"
     r"\b(die|dies|rot and die|rots and dies|burn in hell|burns in hell|choke|chokes|get cancer|gets cancer)\b"
     r"|\bhang (them|him|her|'?em|the \w+)( all)? (from (a|the) (nearest )?(tree|lamp ?posts?|bridge|balcony|gallows|town hall|city hall)|by the neck|high)\b"
     r"|\b(i'?ll|i will|gonna|going to) (shank|stab|knife|gut) (you|him|her|them)\b"
     # verbs done only to people ("the plan should be executed" is not a threat: such verbs need a person)
     r"|\b(should|must|need to|ought to|deserve to|have to) (all |each |every one )?(be )?(shot|hanged|gassed|"
     r"exterminated|lynched|slaughtered|beheaded|strung up)\b"
     r"|\b(they|them|these people|those people|all of them|every one of them) (should|must|need to|ought to|deserve to) "
     r"(all )?(be )?(killed|burned|burnt|wiped out|put down|executed|die)\b"),
    ("death_wish_de", Label.THREAT, 0.8,
     r"\b(hangt|hangen|knupft) (sie|ihn|die|den|diese|diesen|alle) (\w+ ){0,5}auf\b"
     r"|\b(gehoren|gehort|sollte man|muss man|sollen) (\w+ ){0,4}(aufgehangt|aufgeknupft|aufhangen|aufknupfen)\b"
     r"|\bich wunsche (dir|euch|ihm|ihr|ihnen|diesen \w+|den \w+) (\w+ ){0,2}den tod\b"
     r"|\b(stech|steche) (ich )?(dich|ihn|sie) ab\b"),
    # --- accusations of crime or misconduct (defamation needs a person to review) ---
    (
        "accuse_nl",
        Label.DEFAMATION,
        0.55,
        r"\b(steelt|stal|steekt[^.?!]{0,30}in (zijn|haar|hun) (eigen )?zak|sjoemelt|fraudeert|fraudeur|is corrupt|corrupte"
        r"|pedo|pedofiel|zit aan (kinderen|leerlingen|meisjes|jongens|de kinderen)|verkracht|dealt|drugsdealer|witwast"
        r"|smeergeld|steekpenningen|vriendjespolitiek|gesjoemel|achterover gedrukt|in de kas gegrepen|heeft geld verduisterd"
        r"|verduistert|verduisterd|mishandelt|slaat (zijn|haar) (vrouw|kinderen|man)|zat in de gevangenis|zuipt op het werk"
        r"|dronken achter het stuur)\b",
    ),
    (
        "accuse_fr",
        Label.DEFAMATION,
        0.55,
        r"\b((il|elle|ils|elles|qui) (vole|volent|a vole|a volé)|voleur|voleuse|detourne|détourne|detourné|détourné|s'en met plein les poches|se remplit les poches|corrompu"
        r"|corrompue|pedophile|pédophile|pédo|pedo|touche les (enfants|eleves|élèves|gamins|filles)|escroc|fraudeur|fraude"
        r"|dealer|deale|pots-de-vin|pot-de-vin|magouille|magouilles|bat sa (femme|femme et ses enfants)|frappe (sa|ses) "
        r"(femme|enfants)|a fait de la prison|boit au travail|est bourré au volant)\b",
    ),
    (
        "accuse_en",
        Label.DEFAMATION,
        0.55,
        r"\b(steals|stole|stealing|embezzl\w*|is corrupt|corrupt|paedo|pedo|pedophile|paedophile|fraudster|fraud|bribes?|bribed"
        r"|launder\w*|kickbacks?|touches (kids|children|students)|beats his wife|drunk on the job|pocketing)\b",
    ),
    (
        "accuse_de",
        Label.DEFAMATION,
        0.55,
        r"\b(klaut|stiehlt|betrüger|betruger|korrupt|bestechung|bestochen|pädophil|padophil|veruntreut|schmiergeld)\b",
    ),
    # --- baiting other commenters ---
    (
        "bait_nl",
        Label.PROVOCATION,
        0.5,
        r"\b(kom maar op|als ge durft|als je durft|durf(t)? (je|ge) niet|huil maar|huilen maar|janken maar|ga maar janken|cope"
        r"|stay mad|ratio|triggered|getriggerd|ok boomer|lekker boeiend|hahaha jullie|zo voorspelbaar|waar blijven de|komt de"
        r" woke|wokies|snowflakes?|sneeuwvlokjes?|kijk ze weer janken|heerlijk die tranen|wie wil er vechten|kom het zeggen"
        # "kom maar af" is Flemish for "come at me" ("ik wacht" alone is a customer waiting: not bait)
        # "kom maar af naar de opendeurdag" invites: a destination or a purpose after it is no bait
        r"|(kom|komt) maar af(?!\s+(naar|op|om|bij|tot|voor|aan)\b)|ik zit al klaar met (mijn |de )?popcorn)\b",
    ),
    (
        "bait_nl_mockery",
        Label.PROVOCATION,
        0.55,
        r"\b(zoek|zoekt) (een|ne|nen|eens een|ne keer een) (hobby|leven|lief)\b|\bget a life\b|\bwedden dat (ge|gij|je|jij)\b"
        r"|\b(staat|zit|zijt|bent) (gij|ge|je|jij) (hier )?(weer|alweer|echt|nog) (te )?(janken|zagen|zeuren|wenen|blaten)\b"
        r"|\b(om te komen|komen) (zagen|janken|zeuren)\b|\ballemaal stil (dan|nu)\b|\bhoeveel van jullie\b",
    ),
    (
        "bait_fr",
        Label.PROVOCATION,
        0.5,
        r"\b(viens si t'?es un homme|viens me le dire|t'?as peur|va pleurer|pleure|pleurez|chialer?|chialez|cheh|ratio|cope"
        r"|les pleureuses|les wokes|wokistes?|flocons de neige|mdr les|trop facile de vous faire reagir|réagir|ok boomer"
        r"|vous allez rager|ragez"
        r"|allez[- ]y,? (expliquez|dites|venez)|vas[- ]y,? (explique|dis|viens)|je prends les paris"
        r"|venez m'?expliquer)\b",
    ),
    (
        "bait_en",
        Label.PROVOCATION,
        0.5,
        r"\b(get a life|touch grass|come at me|cry more|cry harder|stay mad|cope|seethe|ratio|triggered|snowflakes?|ok boomer|libtards?|owned|"
        r"keep crying|mad cuz|mad because bad|fight me|say it to my face"
        r"|go on,? (\w+,? )?tell me|change my mind|let the hate begin|grab (your|the) popcorn)\b",
    ),
    (
        "bait_de",
        Label.PROVOCATION,
        0.5,
        r"\b(heul doch|heult doch|komm doch|trau dich|getriggert|schneeflöckchen|schneeflocken|ok boomer"
        r"|kommt nur|erklärt mir (doch|mal)|popcorn ist bereit)\b",
    ),
    # --- the commenter's OWN data, offered to customer service: not doxxing ---
    (
        "own_data",
        Label.OK,
        0.0,
        r"\b(mijn|m'n|mn|mon|ma|mes|my|mein|meine|meinem)\s+(gsm|gsm-nummer|gsmnummer|nummer|telefoonnummer|adres|e-?mail|"
        r"mailadres|rekeningnummer|klantnummer|numero|numéro|adresse|telephone|téléphone|number|phone number|address|"
        r"nummerplaat|plaque|iban|handynummer|telefonnummer|kundennummer)\b|\b(bel me|bel mij|contacteer me|contacteer mij|"
        r"appelez-moi|rappelez-moi|contactez-moi|call me|contact me|ruf mich|ruft mich|ik woon|j'habite|i live|ich wohne)\b"
        # "wie hem vindt mag mij bellen", "vous pouvez m'appeler", "text me on"
        r"|\b(mij|me) (bellen|contacteren|sms'en|een berichtje sturen)\b|\bm'?(appeler|contacter|ecrire|écrire)\b"
        r"|\b(text|ring|phone) me\b|\bmich (anrufen|kontaktieren)\b"
        # a service's own line is not a person's data: "bel de klantendienst op 02 201 23 45"
        r"|\b(klantendienst|infolijn|helpdesk|onthaal|callcenter|service client|service clientele|accueil|customer service|"
        r"helpline|hotline|kundendienst|kundenservice)\b[^.!?\d]{0,20}\d",
    ),
    # --- links and contact bait, for spam ---
    (
        "link",
        Label.SPAM,
        0.25,
        r"(https?://|www\.|bit\.ly|tinyurl|t\.me/|wa\.me/|\b\w+\.(ru|xyz|top|click|shop|store)\b"
        # a bare domain, as scams write them to slip past link filters: "bpost-be-suivi.info/colis"
        # (social networks' own addresses point at a person or a page, not at a shop)
        r"|(?<![@\w.-])(?!(facebook|instagram|tiktok|twitter|youtube|linkedin|x|fb|threads|bsky)\.)"
        r"[a-z0-9]+(-[a-z0-9]+)*\.(be|win|info|com|net|org|eu|io|biz|online|site|live|app|link)(/\S*)?"
        r"(?![\w@-]))",
    ),
)


@cache
def compiled_patterns() -> tuple[Pattern, ...]:
    # The patterns' own accented letters are folded like the text they read ("numéro" could never match "numero").
    return tuple(
        Pattern(name, label, score, re.compile(fold_pattern(rx), re.IGNORECASE)) for name, label, score, rx in _RAW
    )


def find_patterns(folded: str) -> Iterator[PatternHit]:
    """All pattern matches in folded text (same length as the original)."""
    for pattern in compiled_patterns():
        for m in pattern.regex.finditer(folded):
            yield PatternHit(pattern, m.start(), m.end())
