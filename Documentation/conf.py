# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for vmed's Documentation/.
#
# The kernel-doc directive comes from the kernel's own Sphinx extension
# (Documentation/sphinx/kerneldoc.py in a kernel source tree), which runs the
# kernel's scripts/kernel-doc on our sources. scripts/docs.sh passes the
# unpacked tree in VMED_KERNEL_SRC; see Documentation/testing.rst.

import os
import sys

_ksrc = os.environ.get('VMED_KERNEL_SRC')
if not _ksrc or not os.path.isfile(os.path.join(_ksrc, 'scripts', 'kernel-doc')):
    raise RuntimeError('VMED_KERNEL_SRC must name an unpacked kernel source '
                       'tree (scripts/docs.sh sets it)')

# kerneldoc.py imports kernellog.py from the same directory.
sys.path.insert(0, os.path.join(_ksrc, 'Documentation', 'sphinx'))

project = 'vmed'
copyright = 'vmed contributors; licensed under GPL-2.0'
author = 'vmed contributors'

extensions = ['kerneldoc']

# What the extension reads: the script to run and the directory that the
# paths given to ".. kernel-doc::" are relative to (this repository).
kerneldoc_bin = os.path.join(_ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                 '..'))
# 0: kernel-doc's own messages are not echoed; scripts/docs.sh runs
# kernel-doc -none -Wall over every file and fails on any of them.
kerneldoc_verbosity = 0

master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = ['output']
primary_domain = 'c'
highlight_language = 'none'
nitpicky = False

html_theme = 'alabaster'
html_title = 'vmed documentation'
html_static_path = []
html_show_sourcelink = False
