/**
 * Service cluster-IP and IP-family rules, on create and on update.
 * Source: KK pkg/apis/core/validation/validation.go (ValidateServiceClusterIPsRelatedFields,
 * validateUpgradeDowngradeClusterIPs, validateUpgradeDowngradeIPFamilies, isHeadlessService).
 * The API server's strategy keeps spec.clusterIP and spec.clusterIPs in step before validating
 * (clusterIPs[0] is clusterIP); serviceIPs() reproduces that view without changing the object.
 */
import type { FieldError } from '../field-errors.ts';
import type { ServiceSpec } from '../objects.ts';
import { goStringSlice, isIPv6String, parseIP, validateIP } from './names.ts';
import { arr, notSupported, str } from './meta.ts';

/** clusterIPs as the strategy normalises them: the list if given, else [clusterIP] if set. */
export function serviceIPs(spec: ServiceSpec): string[] {
  const list = arr(spec.clusterIPs).map(str);
  if (list.length > 0) return list;
  const ip = str(spec.clusterIP);
  return ip ? [ip] : [];
}

export const isHeadless = (spec: ServiceSpec): boolean => {
  const ips = serviceIPs(spec);
  return ips.length === 1 && ips[0] === 'None';
};

export function validateClusterIPs(spec: ServiceSpec): FieldError[] {
  // ExternalName services were already checked to carry no IPs, families or policy.
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = serviceIPs(spec);
  const primary = str(spec.clusterIP);
  const given = arr(spec.clusterIPs).map(str);
  if (primary && given.length > 0 && given[0] !== primary) {
    errs.push({ type: 'Invalid', field: 'spec.clusterIPs', value: given, detail: 'first value must match `clusterIP`' });
  }
  const families = arr(spec.ipFamilies).map(str);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push({ type: 'Duplicate', field: `spec.ipFamilies[${i}]`, value: f });
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(str(spec.ipFamilyPolicy))) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push({ type: 'Invalid', field: 'spec.clusterIPs', value: ips, detail: "'None' must be the first and only value" });
      }
      return;
    }
    const e = validateIP(`spec.clusterIPs[${i}]`, ip);
    badIPs ||= e.length > 0;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push({ type: 'Invalid', field: 'spec.clusterIPs', value: ips, detail: 'may only hold up to 2 values' });
  // Further checks would only restate the bad addresses.
  if (badIPs) return errs;
  if (ips.length > 1) {
    const v6 = ips.filter(isIPv6String).length;
    if (ips.length !== 2 || v6 !== 1) {
      errs.push({ type: 'Invalid', field: 'spec.clusterIPs', value: ips, detail: 'may specify no more than one IP for each IP family' });
    }
  }
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      if (i >= families.length || !parseIP(ip)) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) {
        errs.push({ type: 'Invalid', field: `spec.clusterIPs[${i}]`, value: ip, detail: `expected an IPv4 value as indicated by \`ipFamilies[${i}]\`` });
      }
      if (families[i] === 'IPv6' && !isIPv6String(ip)) {
        errs.push({ type: 'Invalid', field: `spec.clusterIPs[${i}]`, value: ip, detail: `expected an IPv6 value as indicated by \`ipFamilies[${i}]\`` });
      }
    });
  }
  return errs;
}

/**
 * Primary cluster IP and family are fixed once set; only the secondary may be added or released.
 * Changes to or from ExternalName are exempt (the IPs are wiped or freshly allocated).
 */
export function validateClusterIPsUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = serviceIPs(spec);
  const oldIPs = serviceIPs(old);
  const value = goStringSlice(ips);
  const changed = (i: number): FieldError => ({ type: 'Invalid', field: `spec.clusterIPs[${i}]`, value, detail: 'may not change once set' });
  if (!(isHeadless(spec) && isHeadless(old))) {
    if (oldIPs.length === ips.length) {
      oldIPs.forEach((ip, i) => { if (ip !== ips[i]) errs.push(changed(i)); });
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value, detail: 'primary clusterIP can not be unset' });
      if (ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(changed(0));
      if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push({ type: 'Invalid', field: 'spec.ipFamilyPolicy', value: spec.ipFamilyPolicy, detail: "must be set to 'SingleStack' when releasing the secondary clusterIP" });
      }
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(changed(0));
    }
  }
  // Families: skipped when headlessness changes or for headless services.
  if (isHeadless(spec) !== isHeadless(old) || isHeadless(spec)) return errs;
  const fam = arr(spec.ipFamilies).map(str);
  const oldFam = arr(old.ipFamilies).map(str);
  const famErr = (v: unknown): FieldError => ({ type: 'Invalid', field: 'spec.ipFamilies[0]', value: v, detail: 'may not change once set' });
  if (fam.length === oldFam.length) {
    oldFam.forEach((f, i) => { if (f !== fam[i]) errs.push(famErr(fam)); });
  } else if (oldFam.length > fam.length) {
    if (ips.length === 0) errs.push({ type: 'Invalid', field: 'spec.ipFamilies[0]', value: goStringSlice(fam), detail: 'primary ipFamily can not be unset' });
    if (fam.length > 0 && fam[0] !== oldFam[0]) errs.push(famErr(goStringSlice(ips)));
    if (fam.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push({ type: 'Invalid', field: 'spec.ipFamilyPolicy', value: spec.ipFamilyPolicy, detail: "must be set to 'SingleStack' when releasing the secondary ipFamily" });
    }
  } else if (oldFam.length > 0 && fam.length > 0 && fam[0] !== oldFam[0]) {
    errs.push(famErr(goStringSlice(ips)));
  }
  return errs;
}
