"""Minimal pytrees for the func transforms: tuples, lists, dicts and namedtuples are nodes,
everything else (tensors, numbers, None) is a leaf."""
from __future__ import annotations


class TreeSpec:
    """Structure of a flattened tree: node type, its context (dict keys) and child specs."""
    __slots__ = ("type", "context", "children", "num_leaves")

    def __init__(self, type_, context, children):
        self.type = type_
        self.context = context
        self.children = children
        self.num_leaves = 1 if type_ is None else sum(c.num_leaves for c in children)

    def is_leaf(self):
        return self.type is None

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.type is other.type
                and self.context == other.context and self.children == other.children)

    def __repr__(self):
        if self.type is None:
            return "*"
        inner = ", ".join(map(repr, self.children))
        if self.type is dict:
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.context, self.children))
            return "{" + inner + "}"
        if self.type is list:
            return "[" + inner + "]"
        if self.type is tuple:
            return "(" + inner + ("," if len(self.children) == 1 else "") + ")"
        return f"{self.type.__name__}({inner})"


LEAF = TreeSpec(None, None, ())


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(type(obj), "_fields")


def _children(tree):
    """(node type, context, children) of a node, or None for a leaf."""
    if isinstance(tree, dict):
        keys = list(tree)
        return dict, keys, [tree[k] for k in keys]
    if isinstance(tree, list):
        return list, None, tree
    if isinstance(tree, tuple):
        return type(tree), None, tuple(tree)
    return None


def tree_flatten(tree):
    leaves = []

    def go(node):
        parts = _children(node)
        if parts is None:
            leaves.append(node)
            return LEAF
        typ, ctx, kids = parts
        return TreeSpec(typ, ctx, [go(k) for k in kids])

    spec = go(tree)
    return leaves, spec


def tree_unflatten(leaves, spec):
    it = iter(leaves)

    def go(s):
        if s.type is None:
            return next(it)
        kids = [go(c) for c in s.children]
        if s.type is dict:
            return dict(zip(s.context, kids))
        if s.type is list:
            return kids
        if s.type is tuple:
            return tuple(kids)
        return s.type(*kids)  # namedtuple

    return go(spec)


def tree_leaves(tree):
    return tree_flatten(tree)[0]


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_to_and_flatten(prefix, spec):
    """Flatten `prefix` (a tree whose leaves stand for whole subtrees of `spec`) to one value per
    leaf of `spec`; None when the structures do not match."""
    out = []

    def go(p, s):
        parts = _children(p)
        if parts is None:
            out.extend([p] * s.num_leaves)
            return True
        typ, ctx, kids = parts
        if s.type is None or typ is not s.type or len(kids) != len(s.children):
            return False
        if typ is dict:
            if set(ctx) != set(s.context):
                return False
            kids = [p[k] for k in s.context]
        return all(go(k, c) for k, c in zip(kids, s.children))

    return out if go(prefix, spec) else None
