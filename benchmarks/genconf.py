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

"""Realistic, generated nova.conf files for the fleet benchmarks.

About 6 KiB each: ``[DEFAULT]``, ``[libvirt]``, ``[keystone_authtoken]``,
``[glance]`` and a score of other sections, with per-host values and a
little drift, as a real compute fleet has.
"""

from __future__ import annotations

import os
import random

_SECTIONS = {
    'api_database': {'connection': 'mysql+pymysql://nova:{pw}@db/nova_api',
                     'max_pool_size': '10', 'max_overflow': '20'},
    'database': {'connection': 'mysql+pymysql://nova:{pw}@db/nova',
                 'max_pool_size': '10', 'max_retries': '-1',
                 'connection_recycle_time': '600'},
    'oslo_messaging_rabbit': {'heartbeat_timeout_threshold': '60',
                              'rabbit_ha_queues': 'true',
                              'amqp_durable_queues': 'true',
                              'rabbit_quorum_queue': 'true'},
    'oslo_messaging_notifications': {'driver': 'messagingv2',
                                     'topics': 'notifications'},
    'oslo_concurrency': {'lock_path': '/var/lib/nova/tmp'},
    'oslo_middleware': {'enable_proxy_headers_parsing': 'true'},
    'placement': {'auth_type': 'password',
                  'auth_url': 'https://keystone.example.com:5000/v3',
                  'project_name': 'service', 'project_domain_name': 'Default',
                  'username': 'placement', 'user_domain_name': 'Default',
                  'password': '{pw}', 'region_name': 'RegionOne',
                  'valid_interfaces': 'internal'},
    'neutron': {'auth_type': 'password',
                'auth_url': 'https://keystone.example.com:5000/v3',
                'project_name': 'service', 'username': 'neutron',
                'password': '{pw}', 'region_name': 'RegionOne',
                'service_metadata_proxy': 'true',
                'metadata_proxy_shared_secret': '{pw}'},
    'cinder': {'catalog_info': 'volumev3:cinderv3:internalURL',
               'os_region_name': 'RegionOne', 'auth_type': 'password',
               'auth_url': 'https://keystone.example.com:5000/v3',
               'username': 'cinder', 'password': '{pw}'},
    'keystone_authtoken': {
        'www_authenticate_uri': 'https://keystone.example.com:5000',
        'auth_url': 'https://keystone.example.com:5000',
        'memcached_servers': 'mc1:11211,mc2:11211,mc3:11211',
        'auth_type': 'password', 'project_domain_name': 'Default',
        'user_domain_name': 'Default', 'project_name': 'service',
        'username': 'nova', 'password': '{pw}',
        'service_token_roles_required': 'true', 'cafile': '/etc/ssl/ca.pem'},
    'service_user': {'send_service_user_token': 'true',
                     'auth_url': 'https://keystone.example.com:5000',
                     'auth_type': 'password', 'username': 'nova',
                     'password': '{pw}'},
    'vnc': {'enabled': 'true', 'server_listen': '{ip}',
            'server_proxyclient_address': '{ip}',
            'novncproxy_base_url':
                'https://console.example.com:6080/vnc_lite.html'},
    'scheduler': {'discover_hosts_in_cells_interval': '300',
                  'max_attempts': '5'},
    'filter_scheduler': {'enabled_filters': 'ComputeFilter,'
                         'ImagePropertiesFilter,ServerGroupAntiAffinityFilter,'
                         'ServerGroupAffinityFilter,PciPassthroughFilter'},
    'compute': {'cpu_shared_set': '0-3', 'cpu_dedicated_set': '4-63',
                'consecutive_build_service_disable_threshold': '10'},
    'conductor': {'workers': '4'},
    'cache': {'enabled': 'true', 'backend': 'oslo_cache.memcache_pool',
              'memcache_servers': 'mc1:11211,mc2:11211,mc3:11211'},
    'key_manager': {'backend': 'barbican'},
    'barbican': {'barbican_endpoint_type': 'internal',
                 'auth_endpoint': 'https://keystone.example.com:5000/v3'},
    'serial_console': {'enabled': 'false', 'port_range': '10000:20000',
                       'base_url': 'ws://127.0.0.1:6083/',
                       'proxyclient_address': '{ip}'},
    'ironic': {'auth_type': 'password', 'username': 'ironic',
               'password': '{pw}', 'region_name': 'RegionOne',
               'api_max_retries': '60', 'api_retry_interval': '2'},
    'upgrade_levels': {'compute': 'auto'},
    'wsgi': {'api_paste_config': '/etc/nova/api-paste.ini'},
    'workarounds': {'skip_cpu_compare_on_dest': 'true'},
    'pci': {'device_spec': '{{"vendor_id": "8086", "product_id": "154d"}}'},
    'notifications': {'notify_on_state_change': 'vm_and_task_state',
                      'default_level': 'INFO',
                      'notification_format': 'unversioned',
                      'include_share_mapping': 'false'},
    'mks': {'enabled': 'false',
            'mksproxy_base_url': 'http://127.0.0.1:6090/'},
    'api': {'auth_strategy': 'keystone', 'dhcp_domain': '',
            'list_records_by_skipping_down_cells': 'true',
            'instance_list_per_project_cells': 'false'},
    'oslo_policy': {'enforce_scope': 'true', 'enforce_new_defaults': 'true',
                    'policy_file': '/etc/nova/policy.yaml'},
    'quota': {'driver': 'nova.quota.UnifiedLimitsDriver',
              'recheck_quota': 'true'},
    'image_cache': {'manager_interval': '2400',
                    'remove_unused_base_images': 'true',
                    'remove_unused_original_minimum_age_seconds': '86400',
                    'subdirectory_name': '_base'},
    'os_vif_ovs': {'ovsdb_connection': 'tcp:127.0.0.1:6640',
                   'ovsdb_interface': 'native', 'isolate_vif': 'true'},
    'keystone': {'region_name': 'RegionOne', 'valid_interfaces': 'internal',
                 'auth_type': 'password', 'username': 'nova',
                 'password': '{pw}'},
    'cyborg': {'region_name': 'RegionOne', 'valid_interfaces': 'internal'},
    'devices': {'enabled_mdev_types': 'nvidia-35,nvidia-36'},
    'spice': {'enabled': 'false', 'agent_enabled': 'false'},
    'metrics': {'weight_multiplier': '1.0', 'required': 'true'},
    'profiler': {'enabled': 'false', 'trace_sqlalchemy': 'false'},
    'oslo_reports': {'file_event_handler': '/var/lib/nova/reports',
                     'log_dir': '/var/log/nova/reports'},
    'vendordata_dynamic_auth': {'auth_type': 'password',
                                'username': 'vendordata',
                                'password': '{pw}'},
    'privsep': {'helper_command': 'sudo nova-rootwrap /etc/nova/rootwrap.conf '
                'privsep-helper --config-file /etc/nova/nova.conf'},
}


def host_config(index: int, rng: random.Random) -> str:
    """One compute host's complete nova.conf."""
    ip = '10.%d.%d.%d' % (index // 65536 % 256, index // 256 % 256,
                          index % 256)
    pw = '%032x' % rng.getrandbits(128)
    timeout = '60' if rng.random() > 0.01 else '30'  # a little drift
    lines = [
        '[DEFAULT]',
        'host = compute-%05d' % index,
        'my_ip = %s' % ip,
        'transport_url = rabbit://nova:%s@rabbit1:5672,nova:%s@rabbit2:5672/'
        % (pw, pw),
        'state_path = /var/lib/nova',
        'log_dir = /var/log/nova',
        'debug = false',
        'use_journal = true',
        'compute_driver = libvirt.LibvirtDriver',
        'instance_usage_audit = true',
        'instance_usage_audit_period = hour',
        'reserved_host_memory_mb = 8192',
        'cpu_allocation_ratio = 4.0',
        'ram_allocation_ratio = 1.0',
        'resume_guests_state_on_host_boot = true',
        '',
        '[libvirt]',
        'virt_type = kvm',
        'images_type = %s' % ('rbd' if index % 2 else 'qcow2'),
        'images_rbd_pool = vms',
        'images_rbd_ceph_conf = /etc/ceph/ceph.conf',
        'rbd_user = nova',
        'rbd_secret_uuid = 457eb676-33da-42ec-9a8c-9293d545c337',
        'live_migration_uri = qemu+ssh://nova@%%s/system',
        'live_migration_permit_auto_converge = true',
        'hw_disk_discard = unmap',
        'cpu_mode = host-model',
        '',
        '[glance]',
        'endpoint_override = https://glance.example.com:9292',
        'valid_interfaces = internal',
        'cafile = /etc/ssl/certs/ca-certificates.crt',
        'timeout = %s' % timeout,
        'num_retries = 3',
        'tls_min_version = 1.2',
        'verify_glance_signatures = true',
        'enable_certificate_validation = true',
        'default_trusted_certificate_ids = '
        '3c2ab0f8-1f45-4d2e-9b1e-7d5d4b2f6a10',
        '',
    ]
    for section, options in _SECTIONS.items():
        lines.append('[%s]' % section)
        for key, value in options.items():
            lines.append('%s = %s' % (key, value.format(pw=pw, ip=ip)))
        lines.append('')
    return '\n'.join(lines)


def write_fleet(directory: str, count: int, seed: int = 1) -> list[str]:
    """Write ``count`` host configs (mode 0640) and return their paths."""
    rng = random.Random(seed)  # test data, not secrets
    os.makedirs(directory, exist_ok=True)
    paths = []
    for index in range(count):
        path = os.path.join(directory, 'compute-%05d.conf' % index)
        if not os.path.exists(path):
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(host_config(index, rng))
            os.chmod(path, 0o640)
        else:
            rng.getrandbits(128)
            rng.random()
        paths.append(path)
    return paths
