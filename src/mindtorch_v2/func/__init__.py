"""torch.func: composable function transforms (vmap, grad, vjp, jvp, jacrev, jacfwd,
hessian, linearize) and functional_call over nn.Modules."""
from ._functional_call import functional_call, stack_module_state  # noqa: F401
from ._grad import grad, grad_and_value, jvp, linearize, vjp  # noqa: F401
from ._jacobian import hessian, jacfwd, jacrev  # noqa: F401
from ._vmap import vmap  # noqa: F401

__all__ = ["functional_call", "stack_module_state", "grad", "grad_and_value", "jvp",
           "linearize", "vjp", "hessian", "jacfwd", "jacrev", "vmap"]
