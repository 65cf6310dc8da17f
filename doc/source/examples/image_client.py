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

"""List images and download one, the way nova's ``nova/image/glance.py``
does, through ``glance_conf.load_adapter``.

Run it against any Image API (a token from ``openstack token issue``)::

    python image_client.py --config-file /etc/nova/nova.conf \\
        --token "$OS_TOKEN" IMAGE_ID /tmp/image.img

What it shows:

* one ``load_adapter`` per client, as nova builds one
  ``GlanceClientWrapper``: ``api_servers`` are shuffled once and cycled,
  and each call has its own budget of ``1 + num_retries`` requests, so no
  retry loop is written here;
* the download streamed in chunks, its size bounded by the image's
  ``size``, and checked against ``os_hash_value`` (with ``os_hash_algo``)
  and the legacy md5 ``checksum``, the file removed on a mismatch;
* the hook point where nova verifies a signature (cursive's
  ``signature_utils.get_verifier``): an object with ``update(chunk)`` and
  ``verify()``, fed every chunk.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Iterator
from typing import Any
from typing import Protocol

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import token_endpoint
from oslo_config import cfg

import glance_conf

#: Bytes read from the socket at a time (nova uses 64 KiB too).
CHUNK_SIZE = 64 * 1024
#: Pages of ``GET /v2/images`` followed at most.
MAX_PAGES = 100
#: The image properties nova's verifier reads.
SIGNATURE_PROPERTIES = ('img_signature', 'img_signature_hash_method',
                        'img_signature_key_type',
                        'img_signature_certificate_uuid')


class DownloadError(Exception):
    """The image could not be downloaded intact."""


class Verifier(Protocol):
    """What nova gets from ``cursive.signature_utils.get_verifier``."""

    def update(self, data: bytes) -> None: ...

    def verify(self) -> None: ...


def list_images(adapter: Any) -> Iterator[dict[str, Any]]:
    """Every image, page by page (``next`` links, at most MAX_PAGES)."""
    url: str | None = '/v2/images'
    for _ in range(MAX_PAGES):
        if url is None:
            return
        page = adapter.get(url).json()
        yield from page.get('images', [])
        url = page.get('next')


def get_verifier(conf: cfg.ConfigOpts, image: dict[str, Any]
                 ) -> Verifier | None:
    """The signature hook: ``None`` when signatures are not verified.

    nova calls ``cursive.signature_utils.get_verifier`` here, and refuses
    an unsigned image when ``verify_glance_signatures`` is on. Plug your
    verifier in the same place.
    """
    if not conf.glance.verify_glance_signatures:
        return None
    missing = [p for p in SIGNATURE_PROPERTIES if not image.get(p)]
    if missing:
        raise DownloadError('image %s is not signed (no %s), and '
                            '[glance] verify_glance_signatures is on'
                            % (image.get('id'), ', '.join(missing)))
    raise DownloadError('no signature verifier is plugged in: install '
                        'cursive and build one in get_verifier()')


def download(adapter: Any, image: dict[str, Any], path: str,
             verifier: Verifier | None = None) -> int:
    """Stream ``image`` to ``path``; return the bytes written.

    :raises DownloadError: on a size, hash or signature mismatch, after
        removing what was written.
    """
    size = image.get('size')
    hashes = []
    if image.get('os_hash_algo') and image.get('os_hash_value'):
        hashes.append((hashlib.new(image['os_hash_algo']),
                       image['os_hash_value']))
    if image.get('checksum'):
        hashes.append((hashlib.md5(usedforsecurity=False),
                       image['checksum']))
    response = adapter.get('/v2/images/%s/file' % image['id'], stream=True)
    written = 0
    try:
        with open(path, 'wb') as out, response:
            for chunk in response.iter_content(CHUNK_SIZE):
                written += len(chunk)
                if size is not None and written > size:
                    raise DownloadError('image %s is larger than its size '
                                        '(%d bytes)' % (image['id'], size))
                for digest, _ in hashes:
                    digest.update(chunk)
                if verifier is not None:
                    verifier.update(chunk)
                out.write(chunk)
        for digest, expected in hashes:
            if digest.hexdigest() != expected:
                raise DownloadError('image %s: %s mismatch' % (
                    image['id'], digest.name))
        if verifier is not None:
            verifier.verify()
    except BaseException:
        os.unlink(path)
        raise
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config-file', action='append', default=[])
    parser.add_argument('--token', default=os.environ.get('OS_TOKEN'))
    parser.add_argument('image_id')
    parser.add_argument('path')
    args = parser.parse_args(argv)
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    try:
        conf([arg for name in args.config_file
              for arg in ('--config-file', name)],
             project='nova', default_config_files=[], default_config_dirs=[])
        glance_conf.validate(conf)
        # The user's token, as nova sends the request context's.
        auth = token_endpoint.Token(None, args.token)
        adapter = glance_conf.load_adapter(conf, auth=auth)
        images = {image['id']: image for image in list_images(adapter)}
        if args.image_id not in images:
            raise DownloadError('no image %s among the %d listed'
                                % (args.image_id, len(images)))
        image = images[args.image_id]
        written = download(adapter, image, args.path,
                           get_verifier(conf, image))
    except (glance_conf.GlanceConfError, DownloadError, OSError,
            ks_exc.ClientException) as exc:
        print('image_client: %s' % exc, file=sys.stderr)
        return 1
    print('%s: %d bytes, %d images listed' % (args.path, written,
                                               len(images)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
