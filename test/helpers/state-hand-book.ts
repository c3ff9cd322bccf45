import { buildSchedule } from '../../warehouse/schedule/build-schedule.ts';

/*
 * Hand-built loans for what the generated books lack or rarely hold, on every day of four months:
 * the servicer's own principal split (I, K), a penalty (J), a payment on the date itself, cash after
 * a charge-off (G), a restructure credit (H) that also changes earlier balances, a prepayment (B),
 * a partial prepayment of the next instalment's interest only (P), a monthly servicer tape (T), and
 * a loan originated mid-month (N).
 */
const three = (id: string) => [
  `${id},1,2024-01-15,90.00,10.00`,
  `${id},2,2024-02-15,90.00,10.00`,
  `${id},3,2024-03-15,90.00,10.00`,
];
const handIds = ['A', 'B', 'C', 'D', 'E', 'G', 'I', 'J', 'K', 'P'];
// a 30-year annuity's monthly payment (cents), for a payment of exactly three of them
const mortgagePayment = (() => {
  const [first] = buildSchedule({
    originationDate: '2023-12-15',
    principalCents: 10_000_000,
    annualRate: 0.06,
    termMonths: 360,
    method: 'annuity',
  });
  return first!.principalCents + first!.interestCents;
})();
/**
 * Long generated schedules, evaluated on a prefix of their installments (delinquencyFromStateSql):
 * payments far ahead of the schedule, one of exactly three installments, each repayment method, a
 * zero rate, no payment at all.
 */
const longLoans = [
  'M1,cust,mortgage,2023-12-15,100000.00,0.06,360,annuity',
  'M2,cust,mortgage,2023-12-15,100000.00,0.06,360,annuity',
  'M3,cust,mortgage,2023-12-15,48000.00,0.05,240,equal_principal',
  'M4,cust,consumer,2023-12-15,10000.00,0.12,120,interest_only',
  'M5,cust,consumer,2023-12-15,5000.00,0.10,24,bullet',
  'M6,cust,mortgage,2023-12-15,36000.00,0,360,annuity',
  'M7,cust,mortgage,2023-12-15,100000.00,0.06,360,annuity',
];
const longLoanPayments = [
  `M1a,M1,2024-01-15,${(mortgagePayment / 100).toFixed(2)},,,`,
  'M1b,M1,2024-02-10,25000.00,,,',
  `M2a,M2,2024-01-15,${((3 * mortgagePayment) / 100).toFixed(2)},,,`,
  'M3a,M3,2024-01-20,10000.00,,,',
  'M4a,M4,2024-01-15,1500.00,,,',
  'M6a,M6,2024-01-15,100.00,,,',
];
export const stateHandFiles = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,repayment_method',
    ...handIds.map((id) => `${id},cust,consumer,2023-12-15,270.00,0.444444,3,`),
    'H,cust,consumer,2023-12-15,270.00,0.444444,3,',
    'T,cust,consumer,2023-11-20,1000.00,0.12,12,',
    'N,cust,consumer,2024-02-10,1200.00,0.12,12,',
    ...longLoans,
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...handIds.flatMap(three),
    'H,1,2024-01-15,90.00,10.00',
    'H,2,2024-02-15,90.00,10.00',
    'H,3,2024-03-15,145.00,5.00',
    'H,4,2024-04-15,145.00,3.00',
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid,penalty_paid',
    'A1,A,2024-01-15,50.00,,,',
    'A2,A,2024-02-10,50.00,,,',
    'B1,B,2024-01-10,300.00,,,',
    'C1,C,2024-01-10,100.00,,,',
    'D1,D,2024-04-10,300.00,,,',
    'E1,E,2024-01-18,100.00,,,',
    'E2,E,2024-02-15,100.00,,,',
    'E3,E,2024-03-15,100.00,,,',
    'G1,G,2024-02-01,60.00,,,',
    'G2,G,2024-03-25,300.00,,,',
    'I1,I,2024-01-15,100.00,95.00,5.00,',
    'J1,J,2024-01-15,105.00,,,5.00',
    'J2,J,2024-02-20,60.00,,,3.00',
    'K1,K,2024-01-20,100.00,92.00,8.00,',
    'K2,K,2024-03-01,80.00,70.00,10.00,',
    'P1,P,2024-01-15,104.00,,,',
    'P2,P,2024-02-14,96.00,,,',
    'P3,P,2024-03-16,100.00,,,',
    'N1,N,2024-03-10,50.00,,,',
    ...longLoanPayments,
  ],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'G-CO,G,2024-03-20,charge_off,270.00,',
    'H-R,H,2024-02-28,restructure,200.00,arrears capitalised',
  ],
  'performance.csv': [
    'loan_id,as_of_month,dpd,principal_balance',
    'T,2023-11,0,1000.00',
    'T,2023-12,0,920.00',
    'T,2024-01,12,920.00',
    'T,2024-02,43,920.00',
    'T,2024-03,0,760.00',
  ],
};
