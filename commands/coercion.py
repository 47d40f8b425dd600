"""Typer's value coercion, built only for the values that need it.

Typer 0.29 coerces every option's value through a pydantic TypeAdapter that it builds on first use
(`_TyperParameter.get_runtime_param`), also for an option left unset, so every command with an
option that is not a flag imports pydantic: ~0.09 s of each `digits train`. `defer_coercion`
gives each parameter a stand-in that answers, without building Typer's, the values for which
Typer's coercion is the identity — an unset option (None, which Typer's base class returns before
any coercion) and text given to a text option — and builds and uses Typer's own for every other
value, so every conversion and error message stays Typer's.

It relies on Typer internals (`_runtime_param`, `type_descriptor`, `typer._coercion`), pinned by
pyproject (typer < 0.30); without them it changes nothing.
"""

from dataclasses import dataclass

try:
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer.core import _TyperParameter
except ImportError:  # another Typer: leave its coercion alone
    RuntimeParam = None


if RuntimeParam is not None:
    @dataclass(frozen=True)
    class Deferred(RuntimeParam):
        descriptor: TypeDescriptor

        def _coerce_value(self, value, param, ctx):
            if type(value) is str and self.annotation is str and self.parameter_info.parser is None:
                return value  # what Typer's str adapter returns for text
            param._runtime_param = typer_own = build_runtime_param(self.descriptor)
            return typer_own._coerce_value(value, param=param, ctx=ctx)


def defer_coercion(command, ctx, subcommands: bool = True) -> None:
    """Give `command`'s parameters, its help option among them (made here, under `ctx`, which
    only lends its help option names), and with `subcommands` those of a group's commands, the
    deferred coercion, where Typer has not built its own yet."""
    if RuntimeParam is None:
        return
    for param in command.get_params(ctx):
        if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", False) is None:
            descriptor = param.type_descriptor
            param._runtime_param = Deferred(parameter_info=descriptor.parameter_info,
                                            annotation=descriptor.annotation, descriptor=descriptor)
    if subcommands:
        for sub in (getattr(command, "commands", None) or {}).values():
            defer_coercion(sub, ctx)
