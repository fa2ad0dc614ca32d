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
    "sex": SEXES,
    "age_group": AGE_GROUPS,
}


def label(vocabulary: str, code: str, language: str = "en") -> str:
    """The label of `code` in `language` (English or Arabic), or the code itself."""
    labels = ALL[vocabulary].get(code)
    if labels is None:
        return code
    return labels[1] if language.startswith("ar") else labels[0]
