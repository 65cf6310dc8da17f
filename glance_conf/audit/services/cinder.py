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


"""cinder's image client options, as cinder registers them.

Read from openstack/cinder master at commit
``ab09bc39dbcd4d5b301f2f5da8fcfd9e5ef1fe8c`` (2026-08-21):

* ``cinder/common/config.py``, ``image_opts``: ``glance_api_servers``
  (a server without a scheme "defaults to http", and
  ``cinder/image/glance.py`` ``get_api_servers`` prefixes ``http://``),
  ``glance_num_retries`` (min 0, default 3), ``glance_api_insecure``,
  ``glance_api_ssl_compression``, ``glance_ca_certificates_file``,
  ``glance_certfile``, ``glance_keyfile``, ``glance_request_timeout``
  (no default: "the glanceclient default value is used"), all in
  ``[DEFAULT]``;
* ``cinder/image/glance.py``, ``image_opts``:
  ``allowed_direct_url_schemes`` (default empty), and
  ``verify_glance_signatures``, choices ``disabled`` and ``enabled``,
  default ``enabled``: "verify when image has signature metadata"
  (``cinder/image/image_utils.py`` ``verify_glance_image_signature``
  returns without verifying an image that has none of it), and
  ``glance_catalog_info``, used when ``glance_api_servers`` is unset.

They are declared here as cinder declares them (types, bounds,
choices, defaults); the help is ours and short. Nothing is registered
at import time.
"""

from __future__ import annotations

from oslo_config import cfg

NAME = 'cinder'
FILE_NAMES = ('cinder.conf',)
#: Keys in ``[DEFAULT]`` that only cinder reads, and its sections.
MARKERS = (('DEFAULT', 'glance_api_servers'),
           ('DEFAULT', 'glance_api_insecure'),
           ('DEFAULT', 'glance_num_retries'),
           ('DEFAULT', 'glance_ca_certificates_file'),
           ('DEFAULT', 'default_volume_type'),
           ('DEFAULT', 'osapi_volume_listen'),
           ('DEFAULT', 'volume_driver'),
           ('backend_defaults', ''))
#: The verification choices of ``verify_glance_signatures``.
ENABLED, DISABLED = 'enabled', 'disabled'


def opts() -> tuple[tuple[str, cfg.Opt], ...]:
    """cinder's image client options: ``(group, Opt)``."""
    return tuple(('DEFAULT', opt) for opt in (
        cfg.ListOpt('glance_api_servers', default=None,
                    help='Image API servers; no scheme means http.'),
        cfg.IntOpt('glance_num_retries', min=0, default=3,
                   help='Retries of a failed image call.'),
        cfg.BoolOpt('glance_api_insecure', default=False,
                    help='Skip verifying the Image API certificate.'),
        cfg.BoolOpt('glance_api_ssl_compression', default=False,
                    help='TLS compression (cinder no longer reads it).'),
        cfg.StrOpt('glance_ca_certificates_file',
                   help='CA bundle for the Image API.'),
        cfg.StrOpt('glance_certfile', help='Client certificate.'),
        cfg.StrOpt('glance_keyfile', help='Client private key.'),
        cfg.IntOpt('glance_request_timeout',
                   help='Seconds; unset means no timeout.'),
        cfg.ListOpt('allowed_direct_url_schemes', default=[],
                    help='Schemes of image locations read directly.'),
        cfg.StrOpt('verify_glance_signatures', choices=[DISABLED, ENABLED],
                   default=ENABLED,
                   help='Verify images that carry signature metadata.'),
        cfg.StrOpt('glance_catalog_info', default='image:glance:publicURL',
                   help='Catalog entry used without glance_api_servers.'),
    ))
