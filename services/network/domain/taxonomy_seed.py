"""The vocabularies a new installation starts with (an admin extends them as data afterwards).

Districts use their official names as keys, because other services and subscriptions carry the
district as that name (e.g. "Köln-Mülheim"); the other vocabularies use short ASCII keys.
"""

from __future__ import annotations

VOCABULARIES = ("legal_form", "organization_type", "field_of_work", "district", "target_group")

# vocabulary -> [(key, label_de, label_en)], in display order
SEED: dict[str, list[tuple[str, str, str]]] = {
    "legal_form": [
        ("ev", "eingetragener Verein (e.V.)", "registered association (e.V.)"),
        ("ggmbh", "gemeinnützige GmbH (gGmbH)", "non-profit limited company (gGmbH)"),
        ("foundation", "Stiftung", "foundation"),
        ("public_body", "Körperschaft des öffentlichen Rechts", "public body"),
        ("church_body", "Religionsgemeinschaft / Kirchengemeinde", "religious community"),
        ("gbr", "Gesellschaft bürgerlichen Rechts (GbR)", "civil-law partnership (GbR)"),
        ("informal", "Initiative ohne Rechtsform", "informal initiative"),
    ],
    "organization_type": [
        ("migrant_organization", "Migrantenselbstorganisation (MSO)", "migrant self-organisation"),
        ("welfare_association", "Wohlfahrtsverband", "welfare association"),
        ("school", "Schule", "school"),
        ("daycare", "Kindertageseinrichtung", "day-care centre"),
        ("integration_agency", "Integrationsagentur", "integration agency"),
        ("faith_community", "Religionsgemeinschaft", "faith community"),
        ("sports_club", "Sportverein", "sports club"),
        ("public_office", "Behörde / Amt", "public office"),
        ("adult_education", "Weiterbildungsträger / VHS", "adult education provider"),
        ("cultural_association", "Kulturverein", "cultural association"),
        ("initiative", "Initiative / Ehrenamtsgruppe", "volunteer initiative"),
    ],
    "field_of_work": [
        ("education", "Bildung", "education"),
        ("language", "Sprachförderung", "language support"),
        ("work", "Arbeit und Ausbildung", "work and vocational training"),
        ("health", "Gesundheit", "health"),
        ("anti_discrimination", "Antidiskriminierung", "anti-discrimination"),
        ("culture", "Kultur", "culture"),
        ("sport", "Sport", "sport"),
        ("counselling", "Beratung", "counselling"),
        ("parents", "Elternarbeit", "work with parents"),
        ("youth", "Jugendarbeit", "youth work"),
        ("women", "Frauen und Gleichstellung", "women and equality"),
        ("housing", "Wohnen", "housing"),
        ("refugees", "Flucht und Asyl", "refugees and asylum"),
        ("civic_participation", "Politische Teilhabe und Engagement", "civic participation"),
    ],
    "district": [
        ("Köln-Innenstadt", "Köln-Innenstadt", "Cologne-Innenstadt"),
        ("Köln-Rodenkirchen", "Köln-Rodenkirchen", "Cologne-Rodenkirchen"),
        ("Köln-Lindenthal", "Köln-Lindenthal", "Cologne-Lindenthal"),
        ("Köln-Ehrenfeld", "Köln-Ehrenfeld", "Cologne-Ehrenfeld"),
        ("Köln-Nippes", "Köln-Nippes", "Cologne-Nippes"),
        ("Köln-Chorweiler", "Köln-Chorweiler", "Cologne-Chorweiler"),
        ("Köln-Porz", "Köln-Porz", "Cologne-Porz"),
        ("Köln-Kalk", "Köln-Kalk", "Cologne-Kalk"),
        ("Köln-Mülheim", "Köln-Mülheim", "Cologne-Mülheim"),
        ("Bergheim", "Bergheim (Rhein-Erft-Kreis)", "Bergheim (Rhein-Erft district)"),
        ("Brühl", "Brühl (Rhein-Erft-Kreis)", "Brühl (Rhein-Erft district)"),
        ("Hürth", "Hürth (Rhein-Erft-Kreis)", "Hürth (Rhein-Erft district)"),
        ("Kerpen", "Kerpen (Rhein-Erft-Kreis)", "Kerpen (Rhein-Erft district)"),
        ("Frechen", "Frechen (Rhein-Erft-Kreis)", "Frechen (Rhein-Erft district)"),
    ],
    "target_group": [
        ("children", "Kinder", "children"),
        ("youth", "Jugendliche", "young people"),
        ("parents", "Eltern und Familien", "parents and families"),
        ("women", "Frauen", "women"),
        ("seniors", "Ältere Menschen", "older people"),
        ("refugees", "Geflüchtete", "refugees"),
        ("new_arrivals", "Neuzugewanderte", "newly arrived immigrants"),
        ("eu_citizens", "EU-Bürgerinnen und -Bürger", "EU citizens"),
        ("people_with_disabilities", "Menschen mit Behinderung", "people with disabilities"),
        ("lgbtiq", "LSBTIQ*", "LGBTIQ*"),
        ("professionals", "Fachkräfte", "professionals"),
    ],
}


def seed_rows() -> list[dict[str, object]]:
    return [
        {"vocabulary": vocabulary, "key": key, "label_de": de, "label_en": en, "position": i, "active": True}
        for vocabulary, terms in SEED.items()
        for i, (key, de, en) in enumerate(terms)
    ]
