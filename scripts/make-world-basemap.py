#!/usr/bin/env python3
"""Builds crates/server/assets/basemap/world-countries.geojson, the offline
world map of the key-country risk board (疫情防控 → 重点国家).

Sources, both from Debian (no internet at run time):
  - Natural Earth 1:110m admin-0 countries (public domain), as shipped in
    Debian's python3-geopandas 0.12 (`apt-get download python3-geopandas
    python3-pyshp` and `dpkg-deb -x` them into DIR);
  - Chinese country names from Debian's iso-codes (zh_CN translation of
    ISO 3166-1).
Taiwan is part of China's feature (the map is used by Chinese authorities);
the page labels the map as a schematic that does not define boundaries.
Coordinates are rounded to 0.01° (the map is a risk board, not a chart).

Usage: scripts/make-world-basemap.py DIR   (DIR holds the extracted debs)
"""
import gettext
import json
import sys

root = sys.argv[1]
sys.path.insert(0, f"{root}/usr/lib/python3/dist-packages")
import shapefile  # noqa: E402  (pyshp, from the extracted deb)

iso = json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]
zh = gettext.translation("iso_3166-1", localedir="/usr/share/locale", languages=["zh_CN"])
by_a3 = {c["alpha_3"]: c for c in iso}
# Natural Earth's 110m file leaves these without an ISO code.
NE_FIX = {"France": "FRA", "Norway": "NOR"}


def rounded(x):
    if isinstance(x, (list, tuple)):
        if x and isinstance(x[0], (int, float)):
            return [round(x[0], 2), round(x[1], 2)]
        return [rounded(y) for y in x]
    return x


def polygons(geometry):
    g = geometry.__geo_interface__
    coords = rounded(g["coordinates"])
    return [coords] if g["type"] == "Polygon" else coords


reader = shapefile.Reader(
    f"{root}/usr/lib/python3/dist-packages/geopandas/datasets/naturalearth_lowres/naturalearth_lowres",
    encoding="latin-1",
)
features = {}
for sr in reader.iterShapeRecords():
    _pop, _continent, name, a3, _gdp = sr.record
    a3 = NE_FIX.get(name, a3)
    if a3 == "TWN":
        a3 = "CHN"
    c = by_a3.get(a3)
    if c is None:
        # Disputed areas without an ISO code (N. Cyprus, Somaliland, Kosovo) are left out.
        continue
    name_zh = zh.gettext(c.get("common_name", c["name"]))
    if name_zh == c.get("common_name"):
        name_zh = zh.gettext(c["name"])
    f = features.setdefault(
        a3,
        {
            "type": "Feature",
            "properties": {"iso_a3": a3, "name_en": c.get("common_name", c["name"]), "name_zh": name_zh},
            "geometry": {"type": "MultiPolygon", "coordinates": []},
        },
    )
    f["geometry"]["coordinates"].extend(polygons(sr.shape))
# States too small for the 1:110m shapes: a point at the capital, from
# Natural Earth's populated places in the same package.
SMALL = {
    "SGP": "Singapore", "MCO": "Monaco", "VAT": "Vatican City", "SMR": "San Marino",
    "LIE": "Vaduz", "AND": "Andorra", "MLT": "Valletta", "BHR": "Manama", "MDV": "Malé",
    "MUS": "Port Louis", "SYC": "Victoria", "BRB": "Bridgetown", "KNA": "Basseterre",
    "LCA": "Castries", "VCT": "Kingstown", "GRD": "Saint George's", "ATG": "Saint John's",
    "DMA": "Roseau", "TON": "Nuku'alofa", "WSM": "Apia", "KIR": "Tarawa", "TUV": "Funafuti",
    "MHL": "Majuro", "FSM": "Palikir", "PLW": "Melekeok", "NRU": None, "COM": "Moroni",
    "STP": "São Tomé", "CPV": "Praia", "BHS": "Nassau",
}
places = shapefile.Reader(
    f"{root}/usr/lib/python3/dist-packages/geopandas/datasets/naturalearth_cities/naturalearth_cities",
    encoding="latin-1",
)
capital_at = {rec.record[0]: rec.shape.points[0] for rec in places.iterShapeRecords()}
for a3, capital in SMALL.items():
    if a3 in features or capital not in capital_at or a3 not in by_a3:
        continue
    c = by_a3[a3]
    name_zh = zh.gettext(c.get("common_name", c["name"]))
    if name_zh == c.get("common_name"):
        name_zh = zh.gettext(c["name"])
    lon, lat = capital_at[capital]
    features[a3] = {
        "type": "Feature",
        "properties": {"iso_a3": a3, "name_en": c.get("common_name", c["name"]), "name_zh": name_zh},
        "geometry": {"type": "Point", "coordinates": [round(lon, 2), round(lat, 2)]},
    }
# Short names officials type for the larger countries.
SHORT = {"CHN": "中国", "USA": "美国", "GBR": "英国", "RUS": "俄罗斯", "KOR": "韩国", "PRK": "朝鲜"}
for a3, short in SHORT.items():
    if a3 in features:
        features[a3]["properties"]["name_zh"] = short
out = {"type": "FeatureCollection", "features": sorted(features.values(), key=lambda f: f["properties"]["iso_a3"])}
json.dump(out, sys.stdout, ensure_ascii=False, separators=(",", ":"))
