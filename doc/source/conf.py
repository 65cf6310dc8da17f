# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Sphinx configuration for the glance-conf documentation."""

import os
import sys

sys.path.insert(0, os.path.abspath('_exts'))

project = 'glance-conf'
copyright = 'glance-conf developers'
author = 'glance-conf developers'

extensions = [
    'sphinx.ext.autodoc',
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    'reno.sphinxext',
    'gcbounds',
    'gcchecks',
    'htmlreport',
]

# oslo_config.sphinxconfiggen writes the sample file at build time.
config_generator_config_file = (
    '../../etc/glance_conf/glance-conf-config-generator.conf')
sample_config_basename = '_static/glance-conf'

autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
autodoc_default_options = {'members': True, 'show-inheritance': True}

html_theme = 'alabaster'
html_static_path = ['_static']
html_theme_options = {'description': 'Hardened [glance] options for '
                                     'nova-style services'}
exclude_patterns = []
nitpicky = False
