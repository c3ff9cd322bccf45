/**
 * A book of one east loan, L1 (six instalments of 100.00 from 2024-01-15, consumer), and one file-loaded
 * collection action on it by agent ag-a — the fixture of the action correction tests. `action` is the
 * action's date, channel and outcome as the file writes them.
 */
export const oneLoanBook = (action: { date: string; channel: string; outcome: string }) => ({
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    'L1,c1,consumer,2023-12-15,600.00,0.2,6,east',
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id',
    `F1,L1,${action.date},${action.channel},${action.outcome},ag-a`,
  ],
});
