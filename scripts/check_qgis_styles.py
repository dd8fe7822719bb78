#!/usr/bin/env python3
"""Checks the QGIS styles of basinkit GeoPackage reports with QGIS itself (headless).

    python3 scripts/check_qgis_styles.py out/validation.gpkg out/screening.gpkg [--png DIR]

For each layer: QGIS loads its default style from the GeoPackage's layer_styles table,
the renderer is categorised, and every feature gets a symbol. With --png, each file is
also rendered to DIR/<name>.png. Needs QGIS's Python bindings (Debian: python3-qgis);
not part of CI. Exit status 1 when a check fails.
"""
import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from osgeo import ogr  # noqa: E402
from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings,  # noqa: E402
                       QgsRectangle, QgsRenderContext, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def check_layer(path, name):
    """The layer with its default style loaded, and the problems found."""
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    problems = []
    if not layer.isValid():
        return layer, [f"{name}: QGIS cannot open the layer"]
    message, ok = layer.loadDefaultStyle()
    if not ok:
        problems.append(f"{name}: no default style: {message}")
    renderer = layer.renderer()
    if renderer.type() != "categorizedSymbol":
        problems.append(f"{name}: renderer {renderer.type()}, not categorizedSymbol")
        return layer, problems
    context = QgsRenderContext()
    renderer.startRender(context, layer.fields())
    unstyled = 0
    for feature in layer.getFeatures():
        context.expressionContext().setFeature(feature)
        if feature.hasGeometry() and not renderer.symbolsForFeature(feature, context):
            unstyled += 1
    renderer.stopRender(context)
    if unstyled:
        problems.append(f"{name}: {unstyled} features without a symbol")
    values = ", ".join(str(c.value()) for c in renderer.categories())
    print(f"{path} {name}: {layer.featureCount()} features, by {renderer.classAttribute()}: "
          f"{values}; labels {'on' if layer.labelsEnabled() else 'off'}")
    return layer, problems


def render(layers, out):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor("white"))
    extent = QgsRectangle()
    for layer in layers:
        if layer.featureCount():
            extent.combineExtentWith(layer.extent())
    extent.scale(1.1)
    settings.setExtent(extent)
    settings.setDestinationCrs(layers[0].crs())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", nargs="+")
    parser.add_argument("--png", help="folder to render each file into")
    args = parser.parse_args()
    app = QgsApplication([], False)
    app.initQgis()
    problems = []
    for path in args.gpkg:
        ds = ogr.Open(path)
        if ds is None:
            problems.append(f"{path}: cannot open")
            continue
        names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
        if "layer_styles" not in names:
            problems.append(f"{path}: no layer_styles table")
        layers = []
        for name in names:
            if name == "layer_styles":
                continue
            layer, found = check_layer(path, name)
            layers.append(layer)
            problems += found
        if args.png and layers:
            out = os.path.join(args.png, os.path.basename(path) + ".png")
            render(layers, out)
            print(f"{path}: rendered to {out}")
    app.exitQgis()
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
