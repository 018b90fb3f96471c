#!/usr/bin/env python3
"""Writes the small .npy fixtures of src/npy.test.ts with NumPy itself (the format's reference writer).

Run from packages/datasets: python3 scripts/make_npy_fixtures.py   (any python3 with numpy).
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'test-fixtures', 'npy')
os.makedirs(OUT, exist_ok=True)


def save(name, arr, version=None):
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, arr, version=version)


x = np.array([[0.5, -1.25, 3.0], [1e-3, 2.5, -7.0], [100.0, 0.0, 0.25]])
save('x_f4.npy', x.astype('<f4'))
save('x_f8_v2.npy', x.astype('<f8'), version=(2, 0))
save('y_i8.npy', np.array([2, 0, 1], dtype='<i8'))  # numpy's default integer
save('y_i4.npy', np.array([2, 0, 1], dtype='<i4'))
save('y_f8.npy', np.array([2.0, 0.0, 1.5]))  # a non-integer label
img = (np.arange(2 * 2 * 3 * 1) * 20).astype('|u1').reshape(2, 2, 3, 1)  # two 2×3 grey images
save('img_u1.npy', img)
save('u2.npy', np.array([[1, 65535]], dtype='<u2'))
save('i2.npy', np.array([[-3, 300]], dtype='<i2'))
save('b1.npy', np.array([True, False, True]))
save('fortran.npy', np.asfortranarray(x))
save('big_endian.npy', x.astype('>f4'))
save('unicode.npy', np.array(['a', 'bc']))
save('complex.npy', np.array([1 + 2j]))
print('wrote', sorted(os.listdir(OUT)))
