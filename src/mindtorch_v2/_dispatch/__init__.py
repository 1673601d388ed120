from .dispatcher import dispatch, dispatch_inplace, dispatch_out, redispatch  # noqa: F401
