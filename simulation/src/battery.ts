/**
 * A home battery behind the meter: it charges from PV surplus and discharges to cover the
 * household's demand, within its power and capacity, losing √efficiency of the energy on the way in
 * and on the way out (efficiency is the round trip, AC to AC). No standby use, no reserve, no
 * ageing; it starts empty. See README.md, "Home batteries".
 *
 * The battery decides once per sub-step of the model (60 s) on the net power it sees there, in whole
 * µWh: every quantity below is an integer, so each sub-step, and hence each step, balances exactly:
 * charged − discharged = Δ state of charge + losses.
 */

export type BatterySpec = {
  /** Usable capacity, kWh. */
  readonly capacityKwh: number;
  /** Largest charging and discharging power on the AC side, kW. */
  readonly powerKw: number;
  /** Round-trip efficiency, AC to AC, in (0, 1]. */
  readonly efficiency: number;
};

/** A battery prepared for sub-steps of `width` seconds. */
export type BatteryModel = { capacityMicroWh: number; powerW: number; oneWay: number; width: number };

/** What the battery holds and has done in the current step, in whole µWh; the caller zeroes the step sums. */
export type BatteryState = { stored: number; charged: number; discharged: number; lost: number };

export function batteryModel(battery: BatterySpec, width: number): BatteryModel {
  return {
    capacityMicroWh: Math.round(battery.capacityKwh * 1e9),
    powerW: battery.powerKw * 1000,
    oneWay: Math.sqrt(battery.efficiency),
    width,
  };
}

/**
 * One sub-step: the household's net power before the battery is `netW` (demand − PV; negative is
 * surplus). Charges from a surplus, discharges into a demand, each at most powerW and within what
 * the battery can take or give; updates `state`. Returns the battery's AC power, W: positive while
 * it charges, negative while it discharges; never more than the surplus or the demand, so the
 * meter sees import = max(0, netW + that) and export = max(0, −(netW + that)).
 */
export function batterySubstep(model: BatteryModel, state: BatteryState, netW: number): number {
  const { capacityMicroWh, powerW, oneWay, width } = model;
  if (netW < 0) {
    let charged = Math.floor((Math.min(-netW, powerW) * width * 1_000_000) / 3600);
    let stored = Math.floor(charged * oneWay);
    const room = capacityMicroWh - state.stored;
    if (stored > room) {
      stored = room;
      charged = Math.min(charged, Math.ceil(stored / oneWay));
    }
    state.stored += stored;
    state.charged += charged;
    state.lost += charged - stored;
    return (charged * 3600) / (width * 1_000_000);
  }
  if (netW > 0 && state.stored > 0) {
    const wanted = Math.floor((Math.min(netW, powerW) * width * 1_000_000) / 3600);
    const drawn = Math.min(state.stored, Math.ceil(wanted / oneWay));
    const delivered = Math.min(wanted, Math.floor(drawn * oneWay));
    state.stored -= drawn;
    state.discharged += delivered;
    state.lost += drawn - delivered;
    return -(delivered * 3600) / (width * 1_000_000);
  }
  return 0;
}
