"""Controlled vocabularies: stable codes with labels in every UI language.

The codes are part of the interchange format (docs/FORMAT.md) and must never
change meaning; labels may be improved freely.
"""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]  # code -> (English, Arabic)

INCIDENT_TYPES: Labels = {
    "arbitrary_arrest": ("Arbitrary arrest", "اعتقال تعسفي"),
    "enforced_disappearance": ("Enforced disappearance", "إخفاء قسري"),
    "summary_execution": ("Summary execution", "إعدام ميداني"),
    "killing_shelling": ("Killing by shelling", "قتل بالقصف المدفعي"),
    "killing_airstrike": ("Killing by airstrike", "قتل بغارة جوية"),
    "killing_sniper": ("Killing by sniper fire", "قتل برصاص القنص"),
    "killing_other": ("Other killing", "قتل بوسائل أخرى"),
    "torture": ("Torture", "تعذيب"),
    "forced_conscription": ("Forced conscription", "تجنيد قسري"),
    "looting": ("Looting", "نهب"),
    "forced_displacement": ("Forced displacement", "تهجير قسري"),
    "attack_on_medical": ("Attack on medical care", "اعتداء على الرعاية الطبية"),
    "attack_on_humanitarian": ("Attack on humanitarian workers",
                               "اعتداء على العاملين في المجال الإنساني"),
    "obstruction_of_evacuation": ("Obstruction of evacuation", "عرقلة الإجلاء"),
    "ill_treatment": ("Ill-treatment", "سوء معاملة"),
    "other": ("Other", "أخرى"),
}

PERPETRATORS: Labels = {
    "government_forces": ("Government forces", "القوات الحكومية"),
    "pro_government_militia": ("Pro-government militia", "ميليشيا موالية للحكومة"),
    "foreign_government_forces": ("Foreign government forces", "قوات حكومية أجنبية"),
    "foreign_militia": ("Foreign militia", "ميليشيا أجنبية"),
    "armed_opposition": ("Armed opposition", "المعارضة المسلحة"),
    "extremist_group": ("Extremist group", "جماعة متطرفة"),
    "kurdish_forces": ("Kurdish forces", "القوات الكردية"),
    "unknown": ("Unknown", "غير معروف"),
}

VICTIM_STATUS: Labels = {
    "killed": ("Killed", "قُتل"),
    "injured": ("Injured", "أُصيب"),
    "detained": ("Detained", "محتجز"),
    "disappeared": ("Disappeared", "مختفٍ قسرياً"),
    "released": ("Released", "أُفرج عنه"),
    "missing": ("Missing", "مفقود"),
    "displaced": ("Displaced", "مهجّر"),
    "unknown": ("Unknown", "غير معروف"),
}

QUALIFIERS: Labels = {
    "exact": ("exactly", "بالضبط"),
    "at_least": ("at least", "على الأقل"),
    "approximately": ("approximately", "حوالي"),
    "perhaps_more": ("perhaps more", "وربما أكثر"),
    "at_most": ("at most", "على الأكثر"),
}

# Parts of a counted group or reported figure ("including 11 women and 10 children";
# "299 children, 678 civilian adults and 28 wounded"). Each code says what it
# implies about sex and age, so that figures by sex or age group can place it; the
# others (civilians, wounded...) are kept and shown as given.
BREAKDOWN: Labels = {
    "women": ("women", "نساء"),
    "men": ("men", "رجال"),
    "girls": ("girls", "فتيات"),
    "boys": ("boys", "فتيان"),
    "children": ("children", "أطفال"),
    "females": ("females (age not given)", "إناث (العمر غير مذكور)"),
    "males": ("males (age not given)", "ذكور (العمر غير مذكور)"),
    "adults": ("adults", "بالغون"),
    "elderly": ("elderly people", "مسنّون"),
    "civilians": ("civilians", "مدنيون"),
    "civilian_adults": ("civilian adults", "بالغون مدنيون"),
    "fighters": ("fighters", "مقاتلون"),
    "wounded": ("wounded", "جرحى"),
    "patients": ("patients", "مرضى"),
    "detainees_released": ("detainees released", "معتقلون أُفرج عنهم"),
}
# code -> (sex, age group) it implies; None where the words do not say.
BREAKDOWN_FACETS: dict[str, tuple[str | None, str | None]] = {
    "women": ("female", "adult"), "men": ("male", "adult"), "girls": ("female", "child"),
    "boys": ("male", "child"), "children": (None, "child"), "females": ("female", None),
    "males": ("male", None), "adults": (None, "adult"), "elderly": (None, "elderly"),
    "civilian_adults": (None, "adult"),
}

# Why a source does not count as an independent confirmation.
DEPENDENCE: Labels = {
    "party_to_conflict": ("party to the conflict", "طرف في النزاع"),
    "coerced": ("coerced (e.g. a confession under duress)", "منتزع بالإكراه (كاعتراف تحت الضغط)"),
    "repeats_another": ("repeats another source", "يكرر مصدرًا آخر"),
}

VERIFICATION: Labels = {
    "unverified": ("Unverified", "غير متحقق منه"),
    "partially_verified": ("Partially verified", "متحقق منه جزئياً"),
    "verified": ("Verified", "متحقق منه"),
    "disputed": ("Disputed", "متنازع عليه"),
}

CONSENT_SCOPES: Labels = {
    "internal": ("Internal use only", "للاستخدام الداخلي فقط"),
    "partners": ("May be shared with partners", "يمكن مشاركتها مع الشركاء"),
    "publish_anonymised": ("May be published anonymised", "يمكن نشرها دون كشف الهوية"),
    "publish_named": ("May be published with names", "يمكن نشرها مع الأسماء"),
}

OCCUPATIONS: Labels = {
    "civilian": ("Civilian", "مدني"),
    "medic": ("Medic", "طبيب أو مسعف"),
    "health_worker": ("Health worker", "عامل صحي"),
    "journalist": ("Journalist", "صحفي"),
    "civil_defence": ("Civil defence", "الدفاع المدني"),
    "humanitarian_worker": ("Humanitarian worker", "عامل إنساني"),
    "teacher": ("Teacher", "معلم"),
    "student": ("Student", "طالب"),
    "lawyer": ("Lawyer", "محامٍ"),
    "activist": ("Activist", "ناشط"),
    "religious_figure": ("Religious figure", "رجل دين"),
    "tradesperson": ("Tradesperson", "حرفي"),
    "fighter": ("Fighter", "مقاتل"),
    "unknown": ("Unknown", "غير معروف"),
}

SEXES: Labels = {
    "female": ("Female", "أنثى"),
    "male": ("Male", "ذكر"),
    "unknown": ("Sex unknown", "الجنس غير معروف"),
}

AGE_GROUPS: Labels = {
    "child": ("Child", "طفل"),
    "adult": ("Adult", "بالغ"),
    "elderly": ("Elderly", "مسنّ"),
    "unknown": ("Age group unknown", "الفئة العمرية غير معروفة"),
}

ALL: dict[str, Labels] = {
    "incident_type": INCIDENT_TYPES,
    "perpetrator": PERPETRATORS,
    "victim_status": VICTIM_STATUS,
    "qualifier": QUALIFIERS,
    "verification": VERIFICATION,
    "consent_scope": CONSENT_SCOPES,
    "occupation": OCCUPATIONS,
    "breakdown": BREAKDOWN,
    "dependence": DEPENDENCE,
    "sex": SEXES,
    "age_group": AGE_GROUPS,
}


def label(vocabulary: str, code: str, language: str = "en") -> str:
    """The label of `code` in `language` (English or Arabic), or the code itself."""
    labels = ALL[vocabulary].get(code)
    if labels is None:
        return code
    return labels[1] if language.startswith("ar") else labels[0]
