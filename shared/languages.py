"""ISO 639 language codes the platform accepts (organisations, contacts, projects): all of
ISO 639-1, and the ISO 639-3 codes of community languages that have no two-letter code."""

from __future__ import annotations

_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv
dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig
ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh
mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru
rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug
uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
# Community languages of NRW's immigrant population without an ISO 639-1 code (ISO 639-3).
_ISO_639_3_CODES = """
prs kmr ckb sdh zza rom rmn rmy apc ajp arz ary acm ayl aii syr hbs cnr tzm kab shi rif bcc pbu hak
yue cmn nan wuu fil ceb ilo tpi pcm kri kea ber tig byn rhg ctg syl hne bho mai awa mag raj snd lah
skr hno pnb gsw bar nds frr stq dsb hsb ksh swg
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())
ISO_639_3_EXTRA = frozenset(_ISO_639_3_CODES.split())


def is_language_code(code: str) -> bool:
    return code in ISO_639_1 or code in ISO_639_3_EXTRA


def invalid_languages(codes: list[str]) -> list[str]:
    return [code for code in codes if not is_language_code(code)]
