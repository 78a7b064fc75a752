/**
 * Endpoints validation (user-managed Endpoints, e.g. for a Service without a selector).
 * Source: KK pkg/apis/core/validation/validation.go (ValidateEndpoints, ValidateEndpointsUpdate,
 * validateEndpointSubsets, validateEndpointAddress, ValidateNonSpecialIP, validateEndpointPort).
 * Current code lets an update change an address's nodeName (older releases refused), and has no
 * 1000-address limit: that cap is the endpoints controller's truncation (docs/semantics.md B1.6).
 */
import type { FieldError } from '../field-errors.ts';
import type { Endpoints } from '../objects.ts';
import {
  invalidEach, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, validateIP, validateNonSpecialIP,
} from './names.ts';
import { arr, notSupported, obj, str, validateObjectMeta, validateObjectMetaUpdate, type Obj } from './meta.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateAddress(a: Obj, path: string): FieldError[] {
  // An unparsable IP is reported twice, by IsValidIP and by ValidateNonSpecialIP, as the API server does.
  const errs = validateIP(`${path}.ip`, a.ip);
  const hostname = str(a.hostname);
  if (hostname) errs.push(...invalidEach(`${path}.hostname`, hostname, isDNS1123Label(hostname)));
  if (a.nodeName !== undefined && a.nodeName !== null) {
    errs.push(...invalidEach(`${path}.nodeName`, a.nodeName, isDNS1123Subdomain(str(a.nodeName))));
  }
  errs.push(...validateNonSpecialIP(`${path}.ip`, str(a.ip)));
  return errs;
}

function validatePort(p: Obj, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && !name) errs.push({ type: 'Required', field: `${path}.name` });
  else if (name) errs.push(...invalidEach(`${path}.name`, name, isDNS1123Label(name)));
  errs.push(...invalidEach(`${path}.port`, p.port ?? 0, isValidPortNum(p.port ?? 0)));
  const protocol = str(p.protocol);
  if (!protocol) errs.push({ type: 'Required', field: `${path}.protocol` });
  else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  if (p.appProtocol !== undefined) errs.push(...invalidEach(`${path}.appProtocol`, p.appProtocol, isQualifiedName(str(p.appProtocol))));
  return errs;
}

export function validateEndpoints(ep: Endpoints, old?: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(ep.metadata, old.metadata));
  errs.push(...validateObjectMeta(ep.metadata, true, isDNS1123Subdomain));
  arr(ep.subsets).map(obj).forEach((ss, i) => {
    const path = `subsets[${i}]`;
    const ready = arr(ss.addresses).map(obj);
    const notReady = arr(ss.notReadyAddresses).map(obj);
    // A subset may omit ports (headless Services), never addresses.
    if (ready.length === 0 && notReady.length === 0) {
      errs.push({ type: 'Required', field: path, detail: 'must specify `addresses` or `notReadyAddresses`' });
    }
    ready.forEach((a, j) => errs.push(...validateAddress(a, `${path}.addresses[${j}]`)));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`)));
    const ports = arr(ss.ports).map(obj);
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, `${path}.ports[${j}]`)));
  });
  return errs;
}
