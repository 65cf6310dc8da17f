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

"""The run modes: from the files a run names to a filled ``Result``.

One module per mode: *service* (:mod:`.service`: one service's
``--config-file``/``--config-dir`` arguments, layered by oslo.config
exactly as the service layers them), *fleet* (:mod:`.fleet`: many
files, each one host's complete config, audited one by one and then
compared) and *bundles* (:mod:`.bundles`: one service of one host per
bundle, with the host checks judged from its recorded facts). What
they share is :mod:`.common`; the config each file is judged in is
:mod:`glance_conf.audit.configure`'s. They run no check loop of their
own: each config goes through :func:`glance_conf.audit.engine.check_config`.

Memory stays flat whatever the number of files: one ``ConfigOpts`` per
service is reused, findings go to a spool (a temporary file once it
grows), and the fleet checks keep bounded tallies.
"""
