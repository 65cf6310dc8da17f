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


"""glance-api's options that decide what its consumers are handed, as
glance registers them.

Read from openstack/glance master at commit
``c76abb08e2bc82582389059dcbbc234293ce13b9`` (2026-07-22) and
openstack/glance_store master at
``5e561642d138edf9a30da8544b3d8b7dcab96b7f`` (2026-04-24):

* ``glance/common/config.py``: ``show_image_direct_url`` and
  ``show_multiple_locations`` (both default ``False``, ``[DEFAULT]``),
  ``enabled_import_methods`` (default ``glance-direct``,
  ``web-download``, ``copy-image``), ``enabled_backends`` (multiple
  stores, ``name:type``), and the ``[image_format]`` group:
  ``disk_formats`` (also read from ``[DEFAULT]``),
  ``vmdk_allowed_types`` (default ``streamOptimized``,
  ``monolithicSparse``), ``require_image_format_match`` (default
  ``True``), ``gpt_safety_checks_nonfatal`` (default empty);
* ``glance/async_/flows/_internal_plugins/__init__.py``,
  ``import_filtering_opts``: the ``web-download`` allow and deny lists
  of schemes (default allow ``http``, ``https``), hosts (both empty)
  and ports (default allow 80, 443), applied by
  ``glance/common/utils.py`` ``validate_import_uri``;
* ``glance_store/backend.py`` ``_STORE_OPTS`` (``[glance_store]
  stores``, default ``file``, ``http``; ``default_store``, default
  ``file``) and ``glance_store/multi_backend.py`` (``[glance_store]
  default_backend``), used when ``enabled_backends`` is not set.

glance also reads ``glance-image-import.conf`` when it exists
(``glance/common/wsgi_app.py``, ``CONFIG_FILES``): give it with
``--config-file`` before ``glance-api.conf`` to audit both.
"""

from __future__ import annotations

from typing import Any

from oslo_config import cfg
from oslo_config import types

NAME = 'glance-api'
FILE_NAMES = ('glance-api.conf', 'glance-image-import.conf')
MARKERS = (('glance_store', ''), ('image_format', ''),
           ('import_filtering_opts', ''), ('paste_deploy', ''),
           ('DEFAULT', 'show_image_direct_url'),
           ('DEFAULT', 'show_multiple_locations'),
           ('DEFAULT', 'enabled_import_methods'))
IMPORT_METHODS = ('glance-direct', 'web-download', 'copy-image',
                  'glance-download')
WEB_DOWNLOAD = 'web-download'
#: The glance_store type of Ceph RBD, the copy-on-write store.
RBD = 'rbd'
STORE_TYPES = ('file', 'filesystem', 'http', 'https', 'swift',
               'swift+http', 'swift+https', 'swift+config', 'rbd',
               'cinder', 'vsphere', 's3')


def _list(name: str, item: types.ConfigType, default: list[Any]
          ) -> cfg.Opt:
    return cfg.ListOpt(name, item_type=item, bounds=True, default=default,
                       help='web-download filter: %s.' % name)


def opts() -> tuple[tuple[str, cfg.Opt], ...]:
    """glance-api's options judged here: ``(group, Opt)``."""
    port = types.Integer(min=1, max=65535)
    return (
        ('DEFAULT', cfg.BoolOpt('show_image_direct_url', default=False,
                                help='Show an image\'s direct_url.')),
        ('DEFAULT', cfg.BoolOpt('show_multiple_locations', default=False,
                                help='Show and edit image locations.')),
        ('DEFAULT', cfg.ListOpt(
            'enabled_import_methods', bounds=True,
            item_type=types.String(choices=IMPORT_METHODS, quotes=True),
            default=['glance-direct', 'web-download', 'copy-image'],
            help='Enabled image import methods.')),
        ('DEFAULT', cfg.DictOpt('enabled_backends',
                                help='Stores, as name:type.')),
        ('image_format', cfg.ListOpt(
            'disk_formats', default=['ami', 'ari', 'aki', 'vhd', 'vhdx',
                                     'vmdk', 'raw', 'qcow2', 'vdi', 'iso',
                                     'ploop'],
            deprecated_opts=[cfg.DeprecatedOpt('disk_formats',
                                               group='DEFAULT')],
            help='Accepted disk formats.')),
        ('image_format', cfg.ListOpt(
            'vmdk_allowed_types',
            default=['streamOptimized', 'monolithicSparse'],
            help='VMDK create-types converted.')),
        ('image_format', cfg.BoolOpt('require_image_format_match',
                                     default=True,
                                     help='Refuse data that does not match '
                                          'its disk_format.')),
        ('image_format', cfg.ListOpt('gpt_safety_checks_nonfatal',
                                     default=[],
                                     help='GPT checks made non-fatal.')),
        ('import_filtering_opts', _list(
            'allowed_schemes', types.String(quotes=True),
            ['http', 'https'])),
        ('import_filtering_opts', _list(
            'disallowed_schemes', types.String(quotes=True), [])),
        ('import_filtering_opts', _list(
            'allowed_hosts', types.HostAddress(), [])),
        ('import_filtering_opts', _list(
            'disallowed_hosts', types.HostAddress(), [])),
        ('import_filtering_opts', _list('allowed_ports', port, [80, 443])),
        ('import_filtering_opts', _list('disallowed_ports', port, [])),
        ('glance_store', cfg.ListOpt('stores', default=['file', 'http'],
                                     help='Enabled stores (single store).')),
        ('glance_store', cfg.StrOpt('default_store', default='file',
                                    choices=STORE_TYPES,
                                    help='Store of new images.')),
        ('glance_store', cfg.StrOpt('default_backend',
                                    help='Backend of new images.')),
    )
