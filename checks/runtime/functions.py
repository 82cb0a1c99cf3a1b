"""Named scalar functions of an array, for exercises that take a function as an
argument (numerical_gradient). A case holds one by name, so it can cross the
grading process boundary as plain data: {"fn": "sum_of_squares"}.

Imports only NumPy: the grading child loads it by path.
"""
import numpy as np

FUNCTIONS = {}


def named(f):
    f.plain_name = f.__name__
    FUNCTIONS[f.__name__] = f
    return f


@named
def sum_of_squares(x):
    """f(x) = sum(x**2), whose gradient is 2x"""
    return float(np.sum(x ** 2))


@named
def sum_of_cubes(x):
    """f(x) = sum(x**3), whose gradient is 3x**2"""
    return float(np.sum(x ** 3))


@named
def log_sum_exp(x):
    """f(x) = log(sum(exp(x))), whose gradient is softmax(x)"""
    top = np.max(x)
    return float(top + np.log(np.sum(np.exp(x - top))))


@named
def sin_weighted(x):
    """f(x) = sum(sin(x) * k) for k = 1, 2, ..., whose gradient is cos(x) * k"""
    k = np.arange(1, x.size + 1).reshape(x.shape)
    return float(np.sum(np.sin(x) * k))


@named
def neighbour_products(x):
    """f(x) = sum(v**2) + sum(v[:-1] * v[1:]) for v = x.ravel(): the elements interact"""
    v = np.ravel(x)
    return float(np.sum(v ** 2) + np.sum(v[:-1] * v[1:]))
