"""Part: law-study modules, the law library, lectures and study records."""
from lianbing.parts import ActivityKind, NavEntry, Part

from training.views import bp

part = Part(
    name="training",
    title="学法用法",
    blueprint=bp,
    nav=(NavEntry("学习模块", "training.index"),),
    activity_kinds=(ActivityKind("study", "学习模块", 20.0), ActivityKind("lecture", "讲座培训", 10.0)),
)
